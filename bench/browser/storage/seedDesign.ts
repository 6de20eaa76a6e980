// The seed design's reconcile, kept only to measure against: on every pulled batch it appends the
// batch to the log, sorts the WHOLE log by stamp, replays it from empty and rewrites the whole table.
// O(history) per batch. It folds with the same merge function as the app, so both must end in the
// same rows; only the cost differs.

import type { Action } from '../../../src/sync/action';
import { mergeAll, type EntityState } from '../../../src/sync/merge';
import { appendAction, iterateActions } from '../../../src/worker/store/actionLog';
import { clearEntities, saveEntity } from '../../../src/worker/store/entityRows';
import { inTransaction, type Db } from '../../../src/worker/db/sql';

function byStamp(a: Action, b: Action): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  if (a.clientId !== b.clientId) return a.clientId < b.clientId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function seedReconcile(db: Db, batch: readonly Action[]): void {
  inTransaction(db, () => {
    for (const a of batch) appendAction(db, a, 'acked');
    const log: Action[] = [];
    for (const { action } of iterateActions(db)) log.push(action);
    log.sort(byStamp);
    const states = new Map<string, EntityState>();
    mergeAll(states, log);
    clearEntities(db, 'notes');
    for (const s of states.values()) saveEntity(db, 'notes', s);
  });
}

/** A digest of the materialized notes, to check two databases ended the same. */
export function notesDigest(db: Db): string {
  let h = 0x811c9dc5;
  let rows = 0;
  for (const r of db.selectArrays('SELECT id, title, body, title_stamp, body_stamp, deleted_stamp, visible FROM notes ORDER BY id')) {
    rows++;
    for (const c of JSON.stringify(r)) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  }
  return `${rows}:${(h >>> 0).toString(16)}`;
}
