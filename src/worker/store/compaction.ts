// The device's side of compaction (DESIGN.md sections 4 and 5, step 4): snapshots of entities with
// many actions since their last one (pruning of the log they cover: page/pageSnapshots.ts).
//
// Invariants (tests/worker/sync/compaction.sync.test.ts, the convergence model test):
// - A snapshot is made only of an entity with nothing pending or quarantined here, with basis = the
//   sync cursor: this device has every action of it up to there, so the server may drop them.
// - Pruning deletes only acknowledged actions whose server seq is known and <= a snapshot's basis,
//   for that snapshot's entity; pending and quarantined actions always stay. So the log that is
//   left, replayed, still gives the materialized rows (the snapshot stands for what went).
// - A snapshot carries what conflict detection needs: for each field, the `base` of the write that
//   set it (read from the log, or from the previous snapshot once that write was pruned).

import type { Action } from '../../sync/action';
import { collections, isCollectionName, type CollectionName } from '../../sync/collections';
import { formatHlc, sendHlc } from '../../sync/hlc';
import type { EntityState } from '../../sync/merge';
import { decodeSnapshot, encodeSnapshot, type SnapshotContent } from '../../sync/snapshot';
import type { Stamp } from '../../sync/stamp';
import { deleteMeta, getMeta, metaKeys, readClock, setMeta, writeClock } from '../db/meta';
import { entityKeySql } from '../db/schemaSteps';
import { inTransaction, run, selectRow, selectRows, text, textOrNull, type Db } from '../db/sql';
import { appendAction, findAction } from './actionLog';
import type { Store } from './store';

/** Actions since an entity's last snapshot that make it worth a new one (see README: measured). */
export const DEFAULT_SNAPSHOT_EVERY = 20;

/**
 * Actions pulled since the last compaction that make it a catch-up (a new device, one back from a
 * long time offline): then an entity is due with two actions since its last snapshot.
 */
export const CATCH_UP_ACTIONS = 1_000;

/**
 * Most snapshots one compaction makes (one transaction, pushed in the same cycle); the rest of a
 * catch-up's go in the cycles after, which the sync engine runs at once. Making all of a catch-up's
 * at once held the worker for seconds (9,000 snapshots after pulling 100,000 actions: 2.6 s in
 * Node, the page's calls waiting) and kept the first sync from ending until all were uploaded.
 */
export const COMPACTION_SLICE = 500;

/**
 * The threshold of a compaction still owed (a catch-up's, or a backlog's slices), kept in meta so
 * an app closed before it was done finds it at its next start; undefined when none is.
 */
export function owedCompaction(db: Db): number | undefined {
  const kept = Number(getMeta(db, metaKeys.compactionBacklog));
  return kept > 0 ? kept : undefined;
}

export function setOwedCompaction(db: Db, threshold: number | undefined): void {
  if (threshold === undefined) deleteMeta(db, metaKeys.compactionBacklog);
  else setMeta(db, metaKeys.compactionBacklog, String(threshold));
}

export interface EntityRef {
  readonly collection: CollectionName;
  readonly entityId: string;
}

/**
 * Entities (of `only`, or all) with at least `every` actions logged after their last snapshot (made
 * here or pulled) and nothing pending or quarantined. One pass over the log: each entity's last
 * snapshot is found once (not once per action), so a catch-up of the whole log stays linear.
 */
export function entitiesDue(db: Db, every: number, only?: readonly string[]): EntityRef[] {
  // Of a few entities: their actions through the two entity indexes (settled rows by entity key:
  // migration v6, pending rows by (collection, entity_id)), not a scan of the log.
  const byEntity = (match: string) => `SELECT a.collection, a.entity_id, a.type, a.status, a.local_seq FROM json_each(?1) j
       CROSS JOIN actions a ON ${match} AND a.collection IN (SELECT value FROM json_each(?2)) AND a.entity_id = j.value`;
  const scope = only
    ? `${byEntity(`${entityKeySql('a.entity_id')} = ${entityKeySql('j.value')} AND a.status != 'pending'`)} UNION ALL ${byEntity("a.status = 'pending'")}`
    : `SELECT collection, entity_id, type, status, local_seq FROM actions`;
  const rows = selectRows(
    db,
    `WITH scope AS MATERIALIZED (${scope}),
          last AS (SELECT collection, entity_id, max(CASE WHEN type = 'snapshot' THEN local_seq END) AS snap,
                          sum(status != 'acked') AS unsettled
                   FROM scope GROUP BY collection, entity_id)
     SELECT s.collection, s.entity_id FROM scope s JOIN last l ON l.collection = s.collection AND l.entity_id = s.entity_id
     WHERE l.unsettled = 0 AND s.type != 'snapshot' AND s.local_seq > coalesce(l.snap, 0)
     GROUP BY s.collection, s.entity_id
     HAVING count(*) >= ?${only ? 3 : 1}`,
    only ? [JSON.stringify(only), JSON.stringify(Object.keys(collections)), every] : [every],
  );
  const out: EntityRef[] = [];
  for (const r of rows) {
    const collection = text(r, 'collection');
    if (isCollectionName(collection)) out.push({ collection, entityId: text(r, 'entity_id') });
  }
  return out;
}

/** The latest snapshot of an entity in the log, decoded (the `seen` of writes pruned since). */
function lastSnapshot(db: Db, e: EntityRef): SnapshotContent | undefined {
  const row = selectRow(
    db,
    `SELECT state FROM (
       SELECT state, server_seq, local_seq FROM actions
       WHERE ${entityKeySql('entity_id')} = ${entityKeySql('?2')} AND collection = ?1 AND entity_id = ?2 AND type = 'snapshot' AND status != 'pending'
       UNION ALL
       SELECT state, server_seq, local_seq FROM actions WHERE collection = ?1 AND entity_id = ?2 AND type = 'snapshot' AND status = 'pending')
     ORDER BY coalesce(server_seq, 9e15) DESC, local_seq DESC LIMIT 1`,
    [e.collection, e.entityId],
  );
  const state = row ? textOrNull(row, 'state') : null;
  if (state === null) return undefined;
  const c = decodeSnapshot({ collection: e.collection, entityId: e.entityId, state });
  return typeof c === 'string' ? undefined : c;
}

/** What the author of the write stamped `stamp` had seen of `field` ('' when it had seen nothing). */
function seenBy(db: Db, stamp: Stamp, field: string, previous: Readonly<Record<string, Stamp>> | undefined): Stamp | undefined {
  const logged = findAction(db, stamp.slice(stamp.lastIndexOf('|') + 1));
  if (logged) return logged.action.base?.[field] ?? '';
  return previous?.[field];
}

export function snapshotContent(db: Db, state: EntityState): SnapshotContent {
  const previous = lastSnapshot(db, { collection: state.collection as CollectionName, entityId: state.id });
  const seen: Record<string, Stamp> = {};
  for (const [field, stamp] of Object.entries(state.stamps)) {
    const s = seenBy(db, stamp, field, previous?.seen);
    if (s !== undefined) seen[field] = s;
  }
  const deleteSeen: Record<string, Stamp> = {};
  if (state.deletedStamp !== null) {
    const logged = findAction(db, state.deletedStamp.slice(state.deletedStamp.lastIndexOf('|') + 1));
    Object.assign(deleteSeen, logged ? (logged.action.base ?? {}) : (previous?.deleteSeen ?? {}));
  }
  return { state, seen, deleteSeen };
}

/** Appends a snapshot of the entity's current state as a pending action (it changes no row). */
export function appendSnapshot(store: Store, e: EntityRef, basis: number): Action | undefined {
  const db = store.db;
  return inTransaction(db, () => {
    const state = store.entity(e.collection, e.entityId);
    if (!state) return undefined;
    const clock = sendHlc(readClock(db, store.clientId), store.hlcNow());
    writeClock(db, clock);
    const action: Action = {
      id: store.newActionId(),
      collection: e.collection,
      entityId: e.entityId,
      type: 'snapshot',
      payload: {},
      basis,
      state: encodeSnapshot(snapshotContent(db, state)),
      hlc: formatHlc(clock),
      clientId: store.clientId,
    };
    appendAction(db, action, 'pending');
    return action;
  });
}

/**
 * A reset server (new epoch) has none of the history: the seqs this log knows mean nothing there,
 * own snapshots go back in the queue with basis 0 (they cover nothing new), and an entity whose
 * history this device knows only through another device's snapshot gets a snapshot of its own, so
 * what was pruned here reaches the new server too.
 */
export function resetSnapshotsForNewEpoch(store: Store): string[] {
  const db = store.db;
  const foreign = selectRows(db, `SELECT DISTINCT collection, entity_id FROM actions WHERE type = 'snapshot' AND client_id != ?`, [store.clientId]);
  run(db, `UPDATE actions SET basis = 0 WHERE type = 'snapshot' AND client_id = ?`, [store.clientId]);
  run(db, `UPDATE actions SET server_seq = NULL`);
  const touched: string[] = [];
  for (const r of foreign) {
    const collection = text(r, 'collection');
    if (!isCollectionName(collection)) continue;
    if (appendSnapshot(store, { collection, entityId: text(r, 'entity_id') }, 0)) touched.push(text(r, 'entity_id'));
  }
  return touched;
}
