// A refusal with Retry-After (429/503) holds the device back that long: no cycle before then, not on
// a write, a focus or a live event either; without one, the jittered backoff as before.

import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, SyncScheduler } from '../../../src/sync/cycle/scheduler';
import { manualTimers } from '../manualTimers';

const flush = () => new Promise((r) => setTimeout(r, 0));

class Refused extends Error {
  constructor(readonly retryAfterMs?: number) {
    super('refused');
  }
}

function scheduler(outcomes: (Refused | null)[]) {
  const timers = manualTimers();
  let runs = 0;
  const delays: (number | null)[] = [];
  const s = new SyncScheduler({
    run: async () => {
      const outcome = outcomes[runs++] ?? null;
      if (outcome) throw outcome;
    },
    timers,
    random: () => 1,
    shouldRetry: () => true,
    retryAfterMs: (e) => (e instanceof Refused ? e.retryAfterMs : undefined),
    onFailure: (_e, retryIn) => delays.push(retryIn),
    writeDebounceMs: 100,
  });
  return { s, timers, delays, runs: () => runs };
}

describe('SyncScheduler and Retry-After', () => {
  it('waits as long as the server asked, and no trigger starts a cycle sooner', async () => {
    const { s, timers, delays, runs } = scheduler([new Refused(30_000)]);
    s.trigger('start');
    await flush();
    expect(delays).toEqual([30_000]);
    for (const reason of ['write', 'focus', 'event', 'interval', 'online', 'manual'] as const) s.trigger(reason);
    timers.advance(29_999);
    await flush();
    expect(runs()).toBe(1);
    timers.advance(1);
    await s.idle();
    expect(runs()).toBe(2);
    // Over: triggers run cycles at once again.
    s.trigger('focus');
    await s.idle();
    expect(runs()).toBe(3);
  });

  it('never retries sooner than its own backoff, and caps what it is asked', async () => {
    const { s, delays } = scheduler([new Refused(100), new Refused(10 * 24 * 3600 * 1000)]);
    s.trigger('start');
    await flush();
    expect(delays).toEqual([1_000]);
    s.stop();
    const second = scheduler([new Refused(undefined), new Refused(10 * 24 * 3600 * 1000)]);
    second.s.trigger('start');
    await flush();
    second.timers.advance(1_000);
    await flush();
    expect(second.delays).toEqual([1_000, MAX_RETRY_AFTER_MS]);
  });

  it('without Retry-After a trigger still cuts the backoff short, as before', async () => {
    const { s, timers, runs } = scheduler([new Refused(undefined)]);
    s.trigger('start');
    await flush();
    s.trigger('focus');
    await s.idle();
    expect(runs()).toBe(2);
    timers.advance(60_000);
    await flush();
    expect(runs()).toBe(2);
  });
});
