// What "Sync status" shows (api.ts SyncStatus): the engine's phase plus what the database knows
// (account, unsynced changes, quarantined actions, open conflicts), read fresh each time so the
// numbers are never stale.

import type { SyncState, SyncStatus } from '../api';
import { countPendingActions, hasPendingSnapshots, listQuarantinedActions } from '../store/actionLog';
import { accountDeleted, boundAccount, readSession, sessionExpired } from './account';
import { countOpenConflicts } from '../store/conflicts';
import { getLastSyncedAt } from '../db/meta';
import { owedCompaction } from '../store/compaction';
import type { Db } from '../db/sql';

/** The engine's side: what it is doing while signed in. */
export interface EnginePhase {
  readonly state: Exclude<SyncState, 'local-only'>;
  readonly error: string | null;
  /** The server's error code behind the error, if it gave one. */
  readonly code?: string | null;
}

export function readSyncStatus(db: Db, phase: EnginePhase | null): SyncStatus {
  const session = readSession(db);
  const signedIn = session !== null && phase !== null;
  return {
    state: signedIn ? phase.state : 'local-only',
    account: session ? { userId: session.userId, username: session.username } : null,
    boundUsername: boundAccount(db)?.username ?? null,
    sessionExpired: session === null && sessionExpired(db),
    accountDeleted: session === null && accountDeleted(db),
    lastSyncedAt: getLastSyncedAt(db),
    error: signedIn && phase.state === 'error' ? phase.error : null,
    errorCode: signedIn && phase.state === 'error' ? (phase.code ?? null) : null,
    pendingCount: countPendingActions(db),
    compacting: hasPendingSnapshots(db) || owedCompaction(db) !== undefined,
    quarantined: listQuarantinedActions(db).map((q) => ({ actionId: q.action.id, entityId: q.action.entityId, reason: q.error ?? '' })),
    conflictCount: countOpenConflicts(db),
  };
}
