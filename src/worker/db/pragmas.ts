// Connection settings, applied once per open, before migrations. Measured in DESIGN.md section 6
// (headless Chromium, opfs-sahpool, sqlite-wasm 3.54.1): change only with a new measurement.

import type { Db } from './sql';

export const pragmas: readonly string[] = [
  // WAL, on a connection that keeps its lock: opfs-sahpool has no shared memory, and SQLite then
  // runs WAL only in EXCLUSIVE locking mode (set first, before the database is read), keeping the
  // WAL index in the heap. This connection is the file's only one anyway: the pool holds its access
  // handles and only the owner tab's worker opens it (ownership.ts). A commit appends its pages to
  // the WAL and syncs once, where PERSIST wrote every page twice (journal, then database) and synced
  // three times: the storage bench's write went from 3.29 to 1.54 ms p50, and the bare INSERT beside
  // it from 1.89 to 0.81 ms (one run each, load 1.1 and 1.3).
  // A database an older version left in PERSIST mode turns to WAL here, its zeroed journal dropped.
  // An older version that opens a WAL database fails to open it (SQLITE_CANTOPEN) and loses nothing:
  // only a tab still running a version from before WAL meets that, as it meets a newer schema.
  'PRAGMA locking_mode = EXCLUSIVE',
  'PRAGMA journal_mode = WAL',
  // The WAL is truncated to this after a checkpoint, so one big pull does not keep its size.
  'PRAGMA journal_size_limit = 1048576',
  // A pulled page of 1,000 actions appends ~1,500 pages to the WAL: at the default ceiling (1,000)
  // every page's commit also ran a checkpoint, copying its pages back into the database at random
  // offsets and syncing it (storage bench, 1k into 100k of history: 967 writes and 4 syncs, ~45 of
  // ~165 ms, against ~128 ms without). The sync engine checkpoints at the start of each cycle
  // (Store.checkpoint); this ceiling (8 MB of WAL at 4 KB pages, above one such page) only bounds the
  // WAL during a long catch-up or local-only use. The WAL index lives in the heap (EXCLUSIVE): ~8
  // bytes a frame. Until the next cycle the WAL's pages count in the origin's storage usage.
  // Measured on whole syncs (100k actions, bootstrap of 10k notes), one run each way: no difference
  // beyond the runs' noise; the gain is a big page's commit, as a catch-up's first page is.
  'PRAGMA wal_autocheckpoint = 2048',
  // FULL: in WAL mode each commit syncs the WAL, so a saved note survives power loss (NORMAL would
  // sync only at checkpoints and could lose the last commits). writeBehind.ts relies on it too: what
  // it holds between syncs is then only ever the transaction in progress.
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
