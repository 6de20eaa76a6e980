// Change events of a sync cycle, batched for the pages. A page told that many notes changed reads
// its whole list again (ui/state/store.ts PATCH_MAX_IDS), which costs the worker a list read: once
// per pulled page, a long catch-up (a new device pulling hundreds of pages of history) spent more
// time serving those reads than merging. So a cycle's first change reaches the pages at once (a
// live edit still shows at once), later ones wait `firstMs`, then twice as long each time up to
// `maxMs` while the cycle runs (a catch-up shows progress, in O(log) list reads), and what is held
// goes out when the cycle ends.

import type { Timers } from '../../sync/cycle/scheduler';

export interface ChangeBatch {
  /** A cycle starts: its first change is told at once. */
  begin(): void;
  /** Entities whose visible state changed: told now, or with the next flush. */
  add(entityIds: readonly string[]): void;
  /** Tells what is held (the cycle ended). */
  flush(): void;
}

export interface ChangeBatchTiming {
  readonly firstMs: number;
  readonly maxMs: number;
}

export const CHANGE_BATCH_TIMING: ChangeBatchTiming = { firstMs: 1_000, maxMs: 8_000 };

export function changeBatch(
  publish: (entityIds: readonly string[]) => void,
  timers: Timers,
  now: () => number,
  timing: ChangeBatchTiming = CHANGE_BATCH_TIMING,
): ChangeBatch {
  const held = new Set<string>();
  let last = -Infinity;
  let gap = timing.firstMs;
  let timer: unknown = null;
  const tell = (): void => {
    if (timer !== null) timers.clear(timer);
    timer = null;
    if (held.size === 0) return;
    const ids = [...held];
    held.clear();
    last = now();
    publish(ids);
  };
  return {
    begin() {
      tell();
      last = -Infinity;
      gap = timing.firstMs;
    },
    add(entityIds) {
      if (entityIds.length === 0) return;
      for (const id of entityIds) held.add(id);
      if (timer !== null) return;
      const wait = last + gap - now();
      if (wait <= 0) return tell();
      timer = timers.set(() => {
        timer = null;
        gap = Math.min(gap * 2, timing.maxMs);
        tell();
      }, wait);
    },
    flush: tell,
  };
}
