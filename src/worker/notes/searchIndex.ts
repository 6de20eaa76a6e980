// The full-text index (notes_fts) brought up to date from its queue (migration v5), in one
// transaction per batch: soon after writes, when the worker is idle, and always before a search
// matches, so a search never misses a saved note nor finds a deleted one. A write touches no FTS5
// page: a new note is found above the index's greatest doc, a changed or deleted one is queued by
// the triggers of migration v5 with the text the index holds for it.

import { inTransaction, int, run, selectRow, type Db } from '../db/sql';

/** How long after a commit the queued rows are indexed: writes in a burst share one batch. */
export const INDEX_DELAY_MS = 500;

export interface IndexTimers {
  readonly set: (fn: () => void, ms: number) => unknown;
}

/** The greatest doc in the index: rows above it are new since the last batch (migration v5). */
function indexedUpTo(db: Db): number {
  return int(selectRow(db, 'SELECT coalesce(max(id), 0) AS w FROM notes_fts_docsize') ?? { w: 0 }, 'w');
}

/** The docs whose index entry is missing or stale: queued ones and those above its greatest doc. */
export const BEHIND_DOCS_SQL = `SELECT doc FROM notes_fts_queue
  UNION ALL SELECT doc FROM notes WHERE doc > (SELECT coalesce(max(id), 0) FROM notes_fts_docsize)`;

/** True when some note's text changed, or a note was made or deleted, since the index caught up. */
export function indexBehind(db: Db): boolean {
  if (selectRow(db, 'SELECT 1 AS queued FROM notes_fts_queue LIMIT 1') !== undefined) return true;
  return selectRow(db, 'SELECT 1 AS newer FROM notes WHERE doc > ? LIMIT 1', [indexedUpTo(db)]) !== undefined;
}

/**
 * Indexes what is behind: takes each queued row's indexed text out (the text the queue kept, the
 * only one FTS5 can delete by), puts in the current text of the queued rows that still exist and
 * of every row above the index's greatest doc, empties the queue. One transaction: an index half
 * caught up is never committed. Returns the rows indexed.
 */
export function indexQueuedNotes(db: Db): number {
  if (!indexBehind(db)) return 0;
  return inTransaction(db, () => {
    const upTo = indexedUpTo(db);
    const n = int(
      selectRow(
        db,
        `SELECT (SELECT count(*) FROM notes_fts_queue q JOIN notes n ON n.doc = q.doc) + (SELECT count(*) FROM notes WHERE doc > ?) AS n`,
        [upTo],
      ) ?? { n: 0 },
      'n',
    );
    run(db, `INSERT INTO notes_fts (notes_fts, rowid, title, body) SELECT 'delete', doc, title, body FROM notes_fts_queue WHERE indexed = 1`);
    run(
      db,
      `INSERT INTO notes_fts (rowid, title, body)
       SELECT n.doc, n.title, n.body FROM notes_fts_queue q JOIN notes n ON n.doc = q.doc
       UNION ALL
       SELECT doc, title, body FROM notes WHERE doc > ?`,
      [upTo],
    );
    run(db, 'DELETE FROM notes_fts_queue');
    return n;
  });
}

/**
 * Windows of INDEX_DELAY_MS a held batch waits without a new page before it runs anyway: a pull
 * that stopped halfway (the network went) must not leave the index behind for long.
 */
export const MAX_QUIET_WINDOWS = 4;

/** Per database, while held: how many pages have held it (a new page restarts the quiet count). */
const held = new WeakMap<Db, number>();

/**
 * Holds the batches after writes while more pulled pages are on their way (the sync engine says so
 * page by page): a catch-up commits a page every ~100 ms, and a batch between them indexed the
 * notes it had changed so far, so a note changed on many pages was indexed again and again, each
 * batch holding the worker (the initial sync of 100,000 actions in the browser: 17.6/14.6 s with
 * the batches against 13.6/12.6 without, alternating runs). A search still indexes first.
 */
export function holdIndexing(db: Db, hold: boolean): void {
  if (hold) held.set(db, (held.get(db) ?? 0) + 1);
  else held.delete(db);
}

export function indexingHeld(db: Db): boolean {
  return held.has(db);
}

/**
 * Keeps the index close behind the notes: after a commit, one batch a little later (never more than
 * one waiting; a batch with nothing behind writes nothing, so its own commit ends the chain), later
 * still while indexing is held and pages keep coming. A batch that fails (the database closed
 * meanwhile, the disk full) is left to the next commit or search.
 */
export function indexSoonAfterWrites(db: Db, timers: IndexTimers, onCommit: (listener: () => void) => void): void {
  let waiting = false;
  let seenPages: number | undefined;
  let quiet = 0;
  const batch = (): void => {
    const pages = held.get(db);
    if (pages !== undefined) {
      quiet = pages === seenPages ? quiet + 1 : 0;
      seenPages = pages;
      if (quiet < MAX_QUIET_WINDOWS) {
        timers.set(batch, INDEX_DELAY_MS);
        return;
      }
    }
    waiting = false;
    seenPages = undefined;
    quiet = 0;
    try {
      if (db.pointer !== undefined) indexQueuedNotes(db);
    } catch {
      // Retried by the next commit or search.
    }
  };
  const soon = (): void => {
    if (waiting) return;
    waiting = true;
    timers.set(batch, INDEX_DELAY_MS);
  };
  onCommit(soon);
  // Rows queued before the last close (the tab went away within the delay).
  if (indexBehind(db)) soon();
}
