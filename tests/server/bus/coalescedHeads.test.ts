import { describe, expect, it } from 'vitest';
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
