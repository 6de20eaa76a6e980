// Timers driven by hand, for the scheduler and the sync engine's tests: time moves only when a
// test says so.

import type { Timers } from '../../src/sync/cycle/scheduler';

/** Timers driven by hand: advance(ms) fires what is due, in order. */
export function manualTimers(): Timers & { advance(ms: number): void; pending(): number[] } {
  let now = 0;
  let next = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    set(fn, ms) {
      const id = next++;
      due.set(id, { at: now + ms, fn });
      return id;
    },
    clear(h) {
      due.delete(h as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const first = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!first) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].fn();
      }
      now = until;
    },
    pending: () => [...due.values()].map((t) => t.at - now).sort((a, b) => a - b),
  };
}
