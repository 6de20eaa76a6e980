// Connection settings, applied once per open, before migrations. Measured in DESIGN.md section 6
// (headless Chromium, opfs-sahpool, sqlite-wasm 3.54.1): change only with a new measurement.

import type { Db } from './sql';

export const pragmas: readonly string[] = [
  // WAL is unavailable on opfs-sahpool. PERSIST keeps the journal file and zeroes its header
  // instead of deleting it, so a commit does not create and delete a pool file: p50 0.3 ms per
  // action+row transaction against 2.1 ms with DELETE.
  'PRAGMA journal_mode = PERSIST',
  // A persisted journal grows to the largest transaction ever run (a big pull); cap what stays.
  'PRAGMA journal_size_limit = 1048576',
  // FULL, not NORMAL: with a rollback journal (anything but WAL) NORMAL skips a sync that guards
  // against a corrupt database after power loss, not just the loss of the last commit. A saved note
  // must survive; FULL is SQLite's default and what the 0.3 ms above was measured with.
  'PRAGMA synchronous = FULL',
  // Temp tables and sort spills in memory: every temp file would otherwise take a slot of the
  // sahpool's fixed-size file pool.
  'PRAGMA temp_store = MEMORY',
  // A pulled page touches notes spread over the whole table: with the default 2 MB cache its
  // transaction spills pages mid-way and reads them back. 32 MB holds a 1k-action page into 100k
  // of history (merge helper's diagnostic: 64 MB about 2.5x the default's throughput there). It is a
  // ceiling, taken only as pages are read.
  'PRAGMA cache_size = -32768',
  'PRAGMA foreign_keys = ON',
];

export function applyPragmas(db: Db): void {
  for (const p of pragmas) db.exec(p);
}
