import { describe, expect, it, vi } from 'vitest';
import { coalescedHeads } from '../../../src/server/bus/postgresBus';

describe('coalescedHeads', () => {
  it('keeps one send in flight; heads published meanwhile go out together, the latest per space', async () => {
    const sent: string[][] = [];
    const gates: (() => void)[] = [];
    const publish = coalescedHeads((payloads) => {
      sent.push(payloads);
      return new Promise<void>((resolve) => gates.push(resolve));
    });
    const first = publish('s1', 1);
    const later = [publish('s1', 2), publish('s2', 7), publish('s1', 3)];
    expect(sent).toEqual([[JSON.stringify({ spaceId: 's1', head: 1 })]]);
    gates.shift()!();
    await first;
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(sent[1]).toEqual([JSON.stringify({ spaceId: 's1', head: 3 }), JSON.stringify({ spaceId: 's2', head: 7 })]);
    gates.shift()!();
    await Promise.all(later);
    expect(sent).toHaveLength(2);
  });

  it('a failed send rejects its publishers and does not stop the next', async () => {
    let fail = true;
    const sent: string[][] = [];
    const publish = coalescedHeads(async (payloads) => {
      sent.push(payloads);
      if (fail) throw new Error('database gone');
    });
    await expect(publish('s1', 1)).rejects.toThrow('database gone');
    fail = false;
    await publish('s1', 2);
    expect(sent).toEqual([[JSON.stringify({ spaceId: 's1', head: 1 })], [JSON.stringify({ spaceId: 's1', head: 2 })]]);
  });
});

describe('coalescedHeads with a gap', () => {
  it('sends statements at least gapMs apart, the heads of the gap together', async () => {
    vi.useFakeTimers();
    try {
      let clock = 0;
      const sent: string[][] = [];
      const publish = coalescedHeads(
        async (payloads) => {
          sent.push(payloads);
        },
        50,
        () => clock,
      );
      await publish('s1', 1);
      clock = 10;
      const later = [publish('s1', 2), publish('s2', 5)];
      await Promise.resolve();
      expect(sent).toEqual([[JSON.stringify({ spaceId: 's1', head: 1 })]]);
      clock = 50;
      await vi.advanceTimersByTimeAsync(40);
      await Promise.all(later);
      expect(sent[1]).toEqual([JSON.stringify({ spaceId: 's1', head: 2 }), JSON.stringify({ spaceId: 's2', head: 5 })]);
      clock = 500; // long after: the next goes at once
      const next = publish('s1', 3);
      expect(sent).toHaveLength(3);
      await next;
    } finally {
      vi.useRealTimers();
    }
  });
});
