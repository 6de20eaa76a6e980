// Rows as the app before schema v4 wrote them (no text edits, no snapshots), for tests that build a
// database the way an older version left it and then open it with this one.

import type { Action } from '../../../src/sync/action';
import { lastChangedStamp, isVisible, type EntityState } from '../../../src/sync/merge';
import type { Db } from '../../../src/worker/db/sql';

export function insertLegacyAction(db: Db, a: Action, status: 'pending' | 'acked', serverSeq: number | null = null): void {
  db.exec({
    sql: `INSERT INTO actions (id, collection, entity_id, type, payload, hlc, client_id, base, server_seq, status)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    bind: [a.id, a.collection, a.entityId, a.type, JSON.stringify(a.payload), a.hlc, a.clientId, a.base ? JSON.stringify(a.base) : null, serverSeq, status],
  });
}

/** A notes row of schema v3 (v1 and v2 have the same columns but `doc`, which SQLite assigns). */
export function insertLegacyNote(db: Db, e: EntityState): void {
  db.exec({
    sql: `INSERT INTO notes (id, title, body, title_stamp, body_stamp, created_stamp, deleted_stamp, restored_stamp, purged_stamp, changed_stamp, visible)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    bind: [
      e.id,
      e.fields.title ?? null,
      e.fields.body ?? null,
      e.stamps.title ?? null,
      e.stamps.body ?? null,
      e.createdStamp,
      e.deletedStamp,
      e.restoredStamp,
      e.purgedStamp,
      lastChangedStamp(e) ?? '',
      isVisible(e) ? 1 : 0,
    ],
  });
}
