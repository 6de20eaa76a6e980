// Edits this device lost (merge.ts reports them; DESIGN.md section 3), kept until the user restores
// or dismisses them. Recording is idempotent: the same loss (same field, same losing and winning
// stamps) is stored once however often it is reported.

import type { Conflict, ConflictKind } from '../../sync/merge';
import { int, run, selectRow, selectRows, text, type Db } from '../db/sql';

export interface StoredConflict extends Conflict {
  readonly id: number;
  readonly createdAt: number;
  readonly resolved: boolean;
}

/** Stores the conflicts not seen before and returns those. */
export function recordConflicts(db: Db, conflicts: readonly Conflict[], now: number): Conflict[] {
  const fresh: Conflict[] = [];
  for (const c of conflicts) {
    run(
      db,
      `INSERT INTO conflicts (collection, entity_id, field, kind, lost_value, lost_stamp, winner_stamp, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (collection, entity_id, field, lost_stamp, winner_stamp) DO NOTHING`,
      [c.collection, c.entityId, c.field, c.kind, c.lostValue, c.lostStamp, c.winnerStamp, now],
    );
    if (db.changes() > 0) fresh.push(c);
  }
  return fresh;
}

function listConflictsWhere(db: Db, where: string, bind: (string | number)[]): StoredConflict[] {
  return selectRows(
    db,
    `SELECT id, collection, entity_id, field, kind, lost_value, lost_stamp, winner_stamp, created_at, resolved
     FROM conflicts WHERE ${where} ORDER BY id`,
    bind,
  ).map((r) => ({
      id: int(r, 'id'),
      collection: text(r, 'collection'),
      entityId: text(r, 'entity_id'),
      field: text(r, 'field'),
      kind: text(r, 'kind') as ConflictKind,
      lostValue: text(r, 'lost_value'),
      lostStamp: text(r, 'lost_stamp'),
      winnerStamp: text(r, 'winner_stamp'),
      createdAt: int(r, 'created_at'),
      resolved: int(r, 'resolved') === 1,
    }));
}

export function listOpenConflicts(db: Db): StoredConflict[] {
  return listConflictsWhere(db, 'resolved = 0', []);
}

export function resolveConflict(db: Db, id: number): void {
  run(db, 'UPDATE conflicts SET resolved = 1 WHERE id = ?', [id]);
}

export function findConflict(db: Db, id: number): StoredConflict | undefined {
  return listConflictsWhere(db, 'id = ?', [id])[0];
}

/** Open conflicts of one entity, oldest first. */
export function openConflictsOf(db: Db, collection: string, entityId: string): StoredConflict[] {
  return listConflictsWhere(db, 'resolved = 0 AND collection = ? AND entity_id = ?', [collection, entityId]);
}

export function countOpenConflicts(db: Db): number {
  return int(selectRow(db, 'SELECT count(*) AS n FROM conflicts WHERE resolved = 0') ?? { n: 0 }, 'n');
}
