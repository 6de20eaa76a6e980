// A pulled page's snapshot actions: the one place they are applied, so a faster way for a new
// device (bootstrap) can plug in here. Two steps, as for any action: the snapshot folds into its
// entity's state (a join, snapshot.ts) in the page's fold, and once the page's new actions are in
// the log, what each snapshot covers is pruned from it (compaction.ts invariants).

import type { Action } from '../../../sync/action';
import { mergeAction, type EntityState, type MergeResult } from '../../../sync/merge';
import type { TextDocCache } from '../../../sync/text/yjsText';
import { entityKeySql } from '../../db/schemaSteps';
import { int, intOrNull, selectRows, text, type Db } from '../../db/sql';

/** Folds one snapshot action into its entity's state (its state joined in; conflicts it reveals). */
export function foldSnapshot(prev: EntityState | undefined, snapshot: Action, localClientId: string, cache: TextDocCache): MergeResult {
  return mergeAction(prev, snapshot, localClientId, cache);
}

/**
 * Drops the acknowledged actions covered by those of `ids` that are snapshots in the log (one query
 * to find them; ids of other actions are ignored): per snapshot, its entity's actions with a server
 * seq <= its basis. An own snapshot also stands for the acknowledged actions logged before it whose
 * seq this device never learned (the server may have covered them before they came back in a
 * pull): should one be served after all, it merges again as a no-op. Returns how many went.
 */
export function pruneCoveredBy(db: Db, ids: readonly string[], ownClientId: string): number {
  if (ids.length === 0) return 0;
  // Only the snapshots that cover something now: removing rows never gives a snapshot something to
  // cover, so the others would delete nothing below, and a new device's bootstrap (every action a
  // snapshot, nothing before them) runs no DELETE at all.
  const snaps = selectRows(
    db,
    `SELECT a.id, a.collection, a.entity_id, a.basis, a.client_id, a.local_seq FROM json_each(?1) j
     JOIN actions a ON a.id = j.value WHERE a.type = 'snapshot' AND a.basis IS NOT NULL
       AND EXISTS (SELECT 1 FROM actions c WHERE ${entityKeySql('c.entity_id')} = ${entityKeySql('a.entity_id')}
         AND c.collection = a.collection AND c.entity_id = a.entity_id AND c.status != 'pending' AND c.status = 'acked'
         AND ((c.server_seq IS NOT NULL AND c.server_seq <= a.basis)
           OR (c.server_seq IS NULL AND c.local_seq < CASE WHEN a.client_id = ?2 THEN a.local_seq ELSE -1 END)))
     ORDER BY j.key`,
    [JSON.stringify(ids), ownClientId],
  );
  // A snapshot pruned by an earlier one (a later basis covers it) prunes nothing itself, as if looked up after.
  const gone = new Set<string>();
  for (const snap of snaps) {
    if (gone.has(text(snap, 'id'))) continue;
    const ownBefore = text(snap, 'client_id') === ownClientId ? int(snap, 'local_seq') : -1;
    // `status != 'pending'` is implied, but spelled out: it lets SQLite use actions_by_entity_key.
    const deleted = selectRows(
      db,
      `DELETE FROM actions WHERE ${entityKeySql('entity_id')} = ${entityKeySql('?2')} AND collection = ?1 AND entity_id = ?2
         AND status != 'pending' AND status = 'acked'
         AND ((server_seq IS NOT NULL AND server_seq <= ?3) OR (server_seq IS NULL AND local_seq < ?4)) RETURNING id`,
      [text(snap, 'collection'), text(snap, 'entity_id'), intOrNull(snap, 'basis'), ownBefore],
    );
    for (const r of deleted) gone.add(text(r, 'id'));
  }
  return gone.size;
}
