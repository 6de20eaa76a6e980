import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatHlc, initialHlc, parseHlc, receiveHlc, sendHlc, MAX_COUNTER, HlcError, maxHlc } from '../../src/sync/hlc';

const NODE_A = '0190f3a0-0000-7000-8000-00000000000a';
const NODE_B = '0190f3a0-0000-7000-8000-00000000000b';

describe('HLC', () => {
  it('formats so that string order is clock order', () => {
    const a = formatHlc({ ms: 9, counter: 2, node: NODE_A });
    const b = formatHlc({ ms: 10, counter: 0, node: NODE_A });
    expect(a < b).toBe(true);
    expect(a).toBe(`000000000000009:00002:${NODE_A}`);
    expect(parseHlc(a)).toEqual({ ms: 9, counter: 2, node: NODE_A });
  });

  it('rejects strings that are not stamps', () => {
    expect(() => parseHlc('12:3:x')).toThrow(HlcError);
    expect(() => parseHlc('')).toThrow(HlcError);
  });

  it('send is strictly monotonic even when the wall clock goes backwards', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2_000_000_000_000 }), { minLength: 1, maxLength: 50 }), (times) => {
        let h = initialHlc(NODE_A);
        let prev = formatHlc(h);
        for (const now of times) {
          h = sendHlc(h, now);
          const cur = formatHlc(h);
          expect(cur > prev).toBe(true);
          expect(h.ms).toBeGreaterThanOrEqual(now);
          prev = cur;
        }
      }),
    );
  });

  it('receive orders after both the local and the remote clock (causality under skew)', () => {
    const clock = fc.record({ ms: fc.integer({ min: 0, max: 1e13 }), counter: fc.integer({ min: 0, max: MAX_COUNTER }) });
    fc.assert(
      fc.property(clock, clock, fc.integer({ min: 0, max: 1e13 }), (local, remote, now) => {
        const mine = { ...local, node: NODE_A };
        const next = receiveHlc(mine, remote, now);
        const s = formatHlc(next);
        expect(s > formatHlc(mine)).toBe(true);
        expect(s > formatHlc({ ...remote, node: NODE_A })).toBe(true);
        expect(sendHlc(next, now).ms).toBeGreaterThanOrEqual(remote.ms);
      }),
    );
  });

  it('carries a full counter into the next millisecond instead of overflowing', () => {
    const h = sendHlc({ ms: 5, counter: MAX_COUNTER, node: NODE_A }, 5);
    expect(h).toEqual({ ms: 6, counter: 0, node: NODE_A });
  });

  it('a device with a slow clock still stamps after what it received from a fast one', () => {
    const fast = sendHlc(initialHlc(NODE_B), 1_000_000 + 10 * 60_000);
    const slow = receiveHlc(initialHlc(NODE_A), fast, 1_000_000);
    expect(formatHlc(sendHlc(slow, 1_000_001)) > formatHlc(fast)).toBe(true);
  });

  it('maxHlc keeps the node and takes the greater time', () => {
    expect(maxHlc({ ms: 1, counter: 5, node: NODE_A }, { ms: 2, counter: 0 })).toEqual({ ms: 2, counter: 0, node: NODE_A });
    expect(maxHlc({ ms: 3, counter: 0, node: NODE_A }, { ms: 2, counter: 9 })).toEqual({ ms: 3, counter: 0, node: NODE_A });
  });
});
