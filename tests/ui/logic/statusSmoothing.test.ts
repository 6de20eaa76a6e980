import { describe, expect, it } from 'vitest';
import type { SyncState, SyncStatus } from '../../../src/worker/api';
import { createStatusSmoother, withBrowserOnline } from '../../../src/ui/logic/statusSmoothing';

function status(state: SyncState, over: Partial<SyncStatus> = {}): SyncStatus {
  return {
    state,
    account: { userId: 'u1', username: 'alice' },
    boundUsername: 'alice',
    sessionExpired: false,
    accountDeleted: false,
    lastSyncedAt: 1_000,
    error: state === 'error' ? 'boom' : null,
    errorCode: null,
    pendingCount: 0,
    quarantined: [],
    conflictCount: 0,
    ...over,
  };
}

/** A clock the test moves by hand. */
function fakeTimers() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  return {
    schedule: (run: () => void, ms: number) => {
      const t = { at: now + ms, run };
      timers.push(t);
      return () => {
        const i = timers.indexOf(t);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
    },
    pending: () => timers.length,
  };
}

function setup() {
  const clock = fakeTimers();
  const shown: SyncStatus[] = [];
  const smoother = createStatusSmoother({ show: (s) => shown.push(s), schedule: clock.schedule, delayMs: 300 });
  return { clock, shown, smoother, words: () => shown.map((s) => s.state) };
}

describe('the status line does not flicker', () => {
  it('a short sync from Synced never shows Syncing, but its new time and counts do show', () => {
    const { clock, shown, smoother, words } = setup();
    smoother.push(status('synced'));
    smoother.push(status('syncing', { pendingCount: 2 }));
    expect(shown.at(-1)).toMatchObject({ state: 'synced', lastSyncedAt: 1_000, pendingCount: 2 });
    clock.advance(120);
    smoother.push(status('synced', { lastSyncedAt: 2_000 }));
    clock.advance(1_000);
    expect(words()).toEqual(['synced', 'synced', 'synced']);
    expect(shown.at(-1)?.lastSyncedAt).toBe(2_000);
    expect(clock.pending()).toBe(0);
  });

  it('a sync that takes longer shows Syncing once the delay has passed', () => {
    const { clock, smoother, words } = setup();
    smoother.push(status('synced'));
    smoother.push(status('syncing'));
    clock.advance(299);
    expect(words().at(-1)).toBe('synced');
    clock.advance(1);
    expect(words().at(-1)).toBe('syncing');
    smoother.push(status('synced', { lastSyncedAt: 5_000 }));
    expect(words().at(-1)).toBe('synced');
  });

  it('every other change shows at once: the first status, going offline, an error, signing out', () => {
    const { smoother, words } = setup();
    smoother.push(status('syncing'));
    smoother.push(status('offline'));
    smoother.push(status('syncing'));
    smoother.push(status('error'));
    smoother.push(status('local-only', { account: null }));
    expect(words()).toEqual(['syncing', 'offline', 'syncing', 'error', 'local-only']);
  });

  it('an error during the delay shows at once, and the pending Syncing never appears', () => {
    const { clock, smoother, words } = setup();
    smoother.push(status('synced'));
    smoother.push(status('syncing'));
    smoother.push(status('error'));
    clock.advance(1_000);
    expect(words()).toEqual(['synced', 'synced', 'error']);
  });
});

describe('when the browser says it is offline', () => {
  it('a device that syncs shows Offline at once, with its counts; a local-only one stays Local only', () => {
    expect(withBrowserOnline(status('synced', { pendingCount: 2 }), false)).toMatchObject({ state: 'offline', pendingCount: 2 });
    expect(withBrowserOnline(status('error'), false)).toMatchObject({ state: 'offline', error: null });
    expect(withBrowserOnline(status('local-only', { account: null }), false)?.state).toBe('local-only');
    expect(withBrowserOnline(status('synced'), true)?.state).toBe('synced');
    expect(withBrowserOnline(null, false)).toBeNull();
  });
});
