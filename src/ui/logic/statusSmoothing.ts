// Keeps "Sync status" calm. A quick background sync (an SSE nudge, the 30 s interval) starts and ends
// within a few hundred ms; flipping Synced -> Syncing -> Synced for it makes the line flicker without
// telling anyone anything. So Syncing is shown only once a cycle has run for `delayMs`; until then the
// line keeps saying Synced (with its time), which was true a moment ago. Every other change, and
// anything that is not a sync starting from Synced, shows at once.
import type { SyncStatus } from '../../worker/api';

export interface StatusSmoother {
  push(status: SyncStatus): void;
  dispose(): void;
}

export interface StatusSmootherDeps {
  readonly show: (status: SyncStatus) => void;
  /** Runs `run` after `ms`; returns a cancel function. */
  readonly schedule: (run: () => void, ms: number) => () => void;
  readonly delayMs?: number;
}

export const SYNCING_SHOW_DELAY_MS = 300;

export function createStatusSmoother(deps: StatusSmootherDeps): StatusSmoother {
  const delayMs = deps.delayMs ?? SYNCING_SHOW_DELAY_MS;
  let shown: SyncStatus | null = null;
  let latest: SyncStatus | null = null;
  let cancelTimer: (() => void) | null = null;

  const show = (status: SyncStatus): void => {
    shown = status;
    deps.show(status);
  };
  const stopTimer = (): void => {
    cancelTimer?.();
    cancelTimer = null;
  };

  return {
    push(status) {
      latest = status;
      if (status.state === 'syncing' && shown?.state === 'synced') {
        // Everything else (counts, account) is shown now; only the word waits.
        show({ ...status, state: 'synced', lastSyncedAt: shown.lastSyncedAt, error: null });
        cancelTimer ??= deps.schedule(() => {
          cancelTimer = null;
          if (latest?.state === 'syncing') show(latest);
        }, delayMs);
        return;
      }
      stopTimer();
      show(status);
    },
    dispose: stopTimer,
  };
}

/**
 * The status as shown when the browser itself says it is offline: a device that syncs is Offline at
 * once, before the worker has failed a request (and whether or not the worker hears the event).
 */
export function withBrowserOnline(status: SyncStatus | null, browserOnline: boolean): SyncStatus | null {
  if (status === null || browserOnline || status.state === 'local-only') return status;
  return { ...status, state: 'offline', error: null };
}
