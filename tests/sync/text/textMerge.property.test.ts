// The merge laws for text fields: devices edit one note's body at random positions (real Yjs
// updates, made as the worker makes them), sometimes replace it whole; whatever order, duplication
// and batching the actions arrive in, every replica ends with the same text, equal to a replay.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stampOf } from '../../../src/sync/stamp';
import { shuffledWithDuplicates } from '../arbitraries';
import { comparable, merged, params, simulate, stepArb, type Step } from './simulate';

describe('text merge properties', () => {
  it('any order, duplication and paging of the edits gives the replay state', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 40 }).chain((steps) => {
          const log = simulate(steps);
          return fc.tuple(fc.constant(log), shuffledWithDuplicates(log), fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 6 }));
        }),
        ([log, delivered, pages]) => {
          const replay = comparable(merged(log));
          expect(comparable(merged(delivered))).toEqual(replay);
          expect(comparable(merged(delivered, pages))).toEqual(replay);
        },
      ),
      params,
    );
  });

  it('concurrent edits on one base keep every character either side typed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.nat(40)), { minLength: 1, maxLength: 12 }), (typing) => {
        // Each device types characters of its own at random places, none seeing the others.
        const mark = (i: number) => String.fromCharCode(0x4e00 + i);
        const steps: Step[] = typing.map(([device, at], i) => ({ kind: 'edit', device, at, del: 0, insert: mark(i) }));
        const sync: Step[] = [{ kind: 'sync', from: 0, to: 1 }, { kind: 'sync', from: 0, to: 2 }];
        const log = simulate([...sync, ...steps]);
        const text = merged(log)?.fields.body ?? '';
        typing.forEach((_, i) => expect(text).toContain(mark(i)));
        expect(text.replace(/[\u4e00-\u4eff]/g, '')).toBe('The seed text of the note');
      }),
      params,
    );
  });

  it('a replace with a greater stamp wins over edits on the older base, in any order', () => {
    const log = simulate([
      { kind: 'sync', from: 0, to: 1 },
      { kind: 'edit', device: 0, at: 3, del: 0, insert: 'EDIT' },
      { kind: 'replace', device: 1, text: 'fresh' },
    ]);
    for (const order of [log, [...log].reverse()]) expect(merged(order)?.fields.body).toBe('fresh');
    expect(stampOf(log[2]!)).toBe(merged(log)?.stamps.body);
  });
});
