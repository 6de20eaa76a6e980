// A pulled page written set-wise (Store.applyRemote, inside its transaction): a fixed number of
// statements per page, whatever its size or the history's, never one per action.
//
//   1. where the page's ids stand in the log            one SELECT (id index)
//   2. the rows of every entity the page touches         one SELECT per collection (id index)
//   3. plan (pagePlan.ts) and fold (pageFold.ts)         in memory, each entity's actions in page order
//   4. acknowledgements, then the new actions            one UPDATE, one INSERT ... SELECT FROM jsonb_each
//   5. what the page's snapshots cover pruned            pageSnapshots.ts (one EXISTS probe, a DELETE per snapshot that covers something)
//   6. each changed row written once, in id order        one upsert per collection (FTS triggers follow)
//
// Every lookup is by a unique key or an entity index (migration v6): no statement scans the history
// (tests/worker/store/queryPlans.test.ts holds the plans). What still grows with the history is how
// many B-tree pages the page's rows are spread over (read cold, written twice at commit).

import type { CollectionName } from '../../../sync/collections';
import { entityKey, type Conflict, type EntityState } from '../../../sync/merge';
import type { TextDocCache } from '../../../sync/text/yjsText';
import type { Db } from '../../db/sql';
import { actionMarks, appendActions, deleteActions, markAckedMany } from '../actionLog';
import { loadEntities, saveEntities } from '../entityRows';
import { foldPage } from './pageFold';
import { planPage, type PagedAction, type PlannedEntity } from './pagePlan';
import { pruneCoveredBy } from './pageSnapshots';

export interface PageOutcome {
  /** Entities whose visible state (fields, visibility or pending badge) changed, in page order. */
  readonly changedIds: readonly string[];
  /** Conflicts the page's merges reported, in page order (not yet recorded). */
  readonly conflicts: readonly Conflict[];
  readonly inserted: number;
  readonly acked: number;
}

/** Applies a page's actions to the log and the rows (collections already checked). */
export function applyPage(db: Db, actions: readonly PagedAction[], localClientId: string, cache: TextDocCache): PageOutcome {
  const plan = planPage(actions, actionMarks(db, actions.map((a) => a.id)), localClientId);
  const rows = loadRows(db, plan.entities);
  const folded = foldPage(plan.entities, rows, localClientId, cache);
  markAckedMany(db, plan.acks);
  deleteActions(db, plan.replaced);
  appendActions(db, [...plan.fresh.values()]);
  // The device's log follows the server's: what a snapshot covers goes here too.
  pruneCoveredBy(db, plan.snapshotIds, localClientId);
  const changedIds: string[] = [];
  const dirty = new Map<CollectionName, EntityState[]>();
  for (const e of folded.entities) {
    if (e.dirty && e.state) {
      let list = dirty.get(e.collection);
      if (!list) dirty.set(e.collection, (list = []));
      list.push(e.state);
    }
    if (e.changed) changedIds.push(e.id);
  }
  // In id order (ids are UUIDv7: creation order, so row order too): each B-tree page is visited once,
  // in order, however many of the page's rows it holds, so a page cache smaller than what a page
  // touches (a large history) does not read or spill the same page twice.
  for (const [collection, states] of dirty) saveEntities(db, collection, states.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  return { changedIds, conflicts: folded.conflicts, inserted: plan.fresh.size, acked: plan.acked };
}

/** The current rows of the entities the page touches, by entityKey, in one query per collection. */
function loadRows(db: Db, entities: ReadonlyMap<string, PlannedEntity>): Map<string, EntityState> {
  const ids = new Map<CollectionName, string[]>();
  for (const e of entities.values()) {
    let list = ids.get(e.collection);
    if (!list) ids.set(e.collection, (list = []));
    list.push(e.id);
  }
  const rows = new Map<string, EntityState>();
  for (const [collection, list] of ids) {
    for (const [id, state] of loadEntities(db, collection, list.sort())) rows.set(entityKey(collection, id), state);
  }
  return rows;
}
