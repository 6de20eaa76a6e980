// The sync cycle's view of the worker database (syncCycle.ts SyncStore). Every method is one SQLite
// transaction, and each tells `changed` which entities the UI should re-read (values, visibility or
// the not-yet-synced mark), after the commit.

import type { Action } from '../../sync/action';
import type { PullResponse } from '../../sync/protocol';
import type { SyncStore } from '../../sync/cycle/syncCycle';
import { entitiesOfActions, markAckedMany, requeueOwnAcked } from '../store/actionLog';
import { appendSnapshot, CATCH_UP_ACTIONS, COMPACTION_SLICE, DEFAULT_SNAPSHOT_EVERY, entitiesDue, owedCompaction, resetSnapshotsForNewEpoch, setOwedCompaction, type EntityRef } from '../store/compaction';
import { pruneCoveredBy } from '../store/page/pageSnapshots';
import { setSyncCursor, setSyncEpoch } from '../db/meta';
import { restampPending } from '../store/restamp';
import { inTransaction } from '../db/sql';
import { holdIndexing } from '../notes/searchIndex';
import type { Store } from '../store/store';

export type ChangedEntities = (entityIds: readonly string[]) => void;

export interface WorkerSyncOptions {
  /** Snapshot an entity once it has this many actions since its last snapshot (compaction.ts). */
  readonly snapshotEvery?: number;
  /** Actions pulled since the last compaction that make it a catch-up (compaction.ts). */
  readonly catchUpActions?: number;
  /** Most snapshots one compaction makes; the rest wait for the next cycle (compaction.ts). */
  readonly compactionSlice?: number;
}

export function workerSyncStore(store: Store, changed: ChangedEntities, options: WorkerSyncOptions = {}): SyncStore {
  const db = store.db;
  const every = options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  const catchUp = options.catchUpActions ?? CATCH_UP_ACTIONS;
  // Entities that gained actions since the last compaction; null: not looked at yet (all of them).
  let touched: Set<string> | null = null;
  const touch = (ids: Iterable<string>) => {
    if (touched) for (const id of ids) touched.add(id);
  };
  // Actions pulled since the last compaction: many means this device caught up on a backlog.
  let pulled = 0;
  const slice = Math.max(1, options.compactionSlice ?? COMPACTION_SLICE);
  // Entities found due and not snapshotted yet (a catch-up finds thousands), with the threshold
  // they were found at; each later compaction takes the next slice of them.
  let backlog: { readonly threshold: number; readonly refs: EntityRef[] } | null = null;
  return {
    async pendingActions(limit: number): Promise<Action[]> {
      return store.pendingActions(limit);
    },

    async markAcknowledged(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const entityIds = inTransaction(db, () => {
        markAckedMany(db, new Map(ids.map((id) => [id, null])));
        const entities = entitiesOfActions(db, ids);
        // One query finds the snapshots among the ids; only they prune.
        pruneCoveredBy(db, ids, store.clientId);
        return entities;
      });
      touch(entityIds);
      changed(entityIds);
    },

    async syncState() {
      return { cursor: store.syncCursor, epoch: store.syncEpoch ?? null };
    },

    async applyPage(page: PullResponse): Promise<{ changed: number }> {
      const r = store.applyRemote(page.actions, { cursor: page.cursor, epoch: page.epoch, serverTime: page.serverTime });
      // The search index catches up once the pages stop coming, not between them (searchIndex.ts).
      holdIndexing(db, page.hasMore);
      touch(page.actions.map((a) => a.entityId));
      pulled += page.actions.length;
      changed(r.changedIds);
      return { changed: r.changedIds.length };
    },

    async quarantine(actionId: string, reason: string): Promise<void> {
      const entityIds = inTransaction(db, () => {
        store.quarantine(actionId, reason);
        return entitiesOfActions(db, [actionId]);
      });
      changed(entityIds);
    },

    async resetForNewEpoch(epoch: string): Promise<void> {
      // Never wipe local work: what the old server had of ours goes back in the upload queue, and
      // the pulled actions of other devices stay (their devices re-upload them).
      // Snapshots found due for the old server's seqs are looked for again from the new cursor.
      backlog = null;
      const entityIds = inTransaction(db, () => {
        setOwedCompaction(db, undefined);
        const requeued = requeueOwnAcked(db, store.clientId);
        const resnapped = resetSnapshotsForNewEpoch(store);
        setSyncCursor(db, 0);
        setSyncEpoch(db, epoch);
        return [...requeued, ...resnapped];
      });
      changed(entityIds);
    },

    async compact(): Promise<number> {
      let due: EntityRef[];
      if (backlog && backlog.refs.length > 0) {
        // Found due earlier: checked again, as a write or a pulled snapshot may have come since.
        const { threshold, refs } = backlog;
        const next = refs.splice(0, slice);
        try {
          due = entitiesDue(db, threshold, next.map((e) => e.entityId));
        } catch (e) {
          refs.unshift(...next);
          throw e;
        }
      } else {
        const candidates = touched === null ? undefined : [...touched];
        // After a catch-up, every entity it brought with more than one action since its last snapshot
        // is compacted, not only the busy ones: the next new device then pulls about one action per
        // note (DESIGN.md section 4), which is what makes its bootstrap fast. Meta keeps the threshold
        // of a compaction still owed (a catch-up's, or a backlog's), so one the app closed on is found
        // again at the next start (all entities then: `touched` starts null).
        const kept = owedCompaction(db);
        if (pulled >= catchUp && kept === undefined) {
          // The cycle that caught up ends here, and says Synced, without first scanning the log for
          // what is due (100,000 actions: ~0.6 s in Node); the next cycle, at once, does (owed, kept).
          inTransaction(db, () => setOwedCompaction(db, Math.min(every, 2)));
          return 0;
        }
        const threshold = pulled >= catchUp ? Math.min(every, 2) : kept !== undefined ? Math.min(every, kept) : every;
        touched = new Set();
        pulled = 0;
        if (candidates !== undefined && candidates.length === 0) return 0;
        const found = entitiesDue(db, threshold, candidates);
        due = found.splice(0, slice);
        backlog = { threshold, refs: found };
      }
      const basis = store.syncCursor;
      // One transaction for the slice: a commit per snapshot cost more than making it, and a
      // slice, not the whole catch-up, is what holds the worker (and so the page's calls) at once.
      // A slice that cannot be written (a full disk) waits at the head of the backlog for the next.
      try {
        return inTransaction(db, () => {
          let made = 0;
          for (const e of due) if (appendSnapshot(store, e, basis)) made++;
          setOwedCompaction(db, backlog && backlog.refs.length > 0 ? backlog.threshold : undefined);
          return made;
        });
      } catch (e) {
        backlog?.refs.unshift(...due);
        throw e;
      }
    },

    compactionDue(): boolean {
      return (backlog?.refs.length ?? 0) > 0 || owedCompaction(db) !== undefined;
    },

    async restampPending(serverTime: number): Promise<void> {
      changed(restampPending(store, serverTime).entityIds);
    },
  };
}
