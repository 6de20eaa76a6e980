// The change events of a sync cycle reach the pages at once the first time, then after gaps that
// double while it runs, and what is held when it ends (changeBatch.ts).

import { describe, expect, it } from 'vitest';
import { changeBatch } from '../../../src/worker/sync/changeBatch';
import { manualTimers } from '../../sync/manualTimers';

function setup() {
  const timers = manualTimers();
  let now = 0;
  const told: string[][] = [];
  const batch = changeBatch((ids) => told.push([...ids].sort()), timers, () => now, { firstMs: 1_000, maxMs: 4_000 });
  return { batch, told, timers, advance: (ms: number) => ((now += ms), timers.advance(ms)) };
}

describe('changeBatch', () => {
  it('tells a cycle\'s first change at once, gathers the next ones and tells them once when the cycle ends', () => {
    const { batch, told, advance } = setup();
    batch.begin();
    batch.add(['a']);
    expect(told).toEqual([['a']]);
    advance(10);
    batch.add(['b', 'c']);
    batch.add(['c', 'd']);
    expect(told).toHaveLength(1);
    batch.flush();
    expect(told).toEqual([['a'], ['b', 'c', 'd']]);
    batch.flush(); // nothing held: nothing told
    expect(told).toHaveLength(2);
  });

  it('a long cycle tells what it changed after 1 s, then 2 s, then every 4 s at most', () => {
    const { batch, told, advance } = setup();
    batch.begin();
    const at: number[] = [];
    let t = 0;
    for (let page = 0; page < 50; page++) {
      batch.add([`p${page}`]);
      const before = told.length;
      advance(250);
      t += 250;
      if (told.length > before) at.push(t);
    }
    // Page 0 was told at once (in add); then at 1 s, 3 s, 7 s and 11 s.
    expect(told[0]).toEqual(['p0']);
    expect(at).toEqual([1_000, 3_000, 7_000, 11_000]);
    batch.flush();
    expect(told.flat().sort()).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`).sort());
  });

  it('the next cycle tells its first change at once again, even right after the last one', () => {
    const { batch, told, advance, timers } = setup();
    batch.begin();
    batch.add(['a']);
    batch.add(['b']);
    batch.flush();
    advance(30);
    batch.begin();
    batch.add([]);
    expect(timers.pending()).toEqual([]);
    batch.add(['c']);
    expect(told).toEqual([['a'], ['b'], ['c']]);
  });
});
