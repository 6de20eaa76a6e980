// The sync cycle's view of the worker database (syncCycle.ts SyncStore). Every method is one SQLite
// transaction, and each tells `changed` which entities the UI should re-read (values, visibility or
// the not-yet-synced mark), after the commit.

import type { Action } from '../../sync/action';
import type { PullResponse } from '../../sync/protocol';
import type { SyncStore } from '../../sync/syncCycle';
import { entitiesOfActions, markAcked, requeueOwnAcked } from '../store/actionLog';
import { setSyncCursor, setSyncEpoch } from '../db/meta';
import { restampPending } from '../store/restamp';
import { inTransaction } from '../db/sql';
import type { Store } from '../store/store';

export type ChangedEntities = (entityIds: readonly string[]) => void;

export function workerSyncStore(store: Store, changed: ChangedEntities): SyncStore {
  const db = store.db;
  return {
    async pendingActions(limit: number): Promise<Action[]> {
      return store.pendingActions(limit);
    },

    async markAcknowledged(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const entityIds = inTransaction(db, () => {
        for (const id of ids) markAcked(db, id, null);
        return entitiesOfActions(db, ids);
      });
      changed(entityIds);
    },

    async syncState() {
      return { cursor: store.syncCursor, epoch: store.syncEpoch ?? null };
    },

    async applyPage(page: PullResponse): Promise<{ changed: number }> {
      const r = store.applyRemote(page.actions, { cursor: page.cursor, epoch: page.epoch, serverTime: page.serverTime });
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
      const entityIds = inTransaction(db, () => {
        const requeued = requeueOwnAcked(db, store.clientId);
        setSyncCursor(db, 0);
        setSyncEpoch(db, epoch);
        return requeued;
      });
      changed(entityIds);
    },

    async restampPending(serverTime: number): Promise<void> {
      changed(restampPending(store, serverTime).entityIds);
    },
  };
}
