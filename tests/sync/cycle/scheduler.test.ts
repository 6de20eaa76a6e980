import { describe, expect, it } from 'vitest';
import { SyncScheduler } from '../../../src/sync/cycle/scheduler';
import { manualTimers } from '../manualTimers';
import { backoffDelay } from '../../../src/sync/cycle/backoff';


const flush = () => new Promise((r) => setTimeout(r, 0));

describe('backoff', () => {
  it('grows from 1 s to a 60 s cap, jittered within [cap/2, cap]', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(20, () => 1)).toBe(60_000);
    expect(backoffDelay(20, () => 0)).toBe(30_000);
  });
});

describe('SyncScheduler', () => {
  it('coalesces triggers during a cycle into one more cycle', async () => {
    const timers = manualTimers();
    let runs = 0;
    let release: () => void = () => {};
    const s = new SyncScheduler({
      run: () => {
        runs++;
        return new Promise<void>((r) => (release = r));
      },
      timers,
      random: () => 0.5,
      shouldRetry: () => true,
    });
    s.trigger('start');
    s.trigger('focus');
    s.trigger('event');
    s.trigger('interval');
    expect(runs).toBe(1);
    release();
    await flush();
    expect(runs).toBe(2);
    release();
    await s.idle();
    expect(runs).toBe(2);
  });

  it('debounces local writes', async () => {
    const timers = manualTimers();
    let runs = 0;
    const s = new SyncScheduler({ run: async () => void runs++, timers, random: () => 0, shouldRetry: () => true, writeDebounceMs: 300 });
    for (let i = 0; i < 5; i++) {
      s.trigger('write');
      timers.advance(100);
    }
    expect(runs).toBe(0);
    timers.advance(300);
    await s.idle();
    expect(runs).toBe(1);
  });

  it('retries failures with growing delays, and online resets the backoff', async () => {
    const timers = manualTimers();
    let fail = true;
    let runs = 0;
    const delays: (number | null)[] = [];
    const s = new SyncScheduler({
      run: async () => {
        runs++;
        if (fail) throw new Error('down');
      },
      timers,
      random: () => 1,
      shouldRetry: () => true,
      onFailure: (_e, d) => delays.push(d),
    });
    s.trigger('start');
    await s.idle();
    timers.advance(1000);
    await s.idle();
    timers.advance(2000);
    await s.idle();
    expect(delays).toEqual([1000, 2000, 4000]);
    s.trigger('online');
    await s.idle();
    expect(delays.at(-1)).toBe(1000);
    fail = false;
    timers.advance(1000);
    await s.idle();
    expect(runs).toBe(5);
    expect(timers.pending()).toEqual([]);
  });

  it('does not retry errors that retrying cannot fix (signed out)', async () => {
    const timers = manualTimers();
    const delays: (number | null)[] = [];
    const s = new SyncScheduler({
      run: async () => {
        throw new Error('401');
      },
      timers,
      random: () => 1,
      shouldRetry: () => false,
      onFailure: (_e, d) => delays.push(d),
    });
    s.trigger('start');
    await s.idle();
    expect(delays).toEqual([null]);
    expect(timers.pending()).toEqual([]);
  });
});
