// The merge laws for text fields: devices edit one note's body at random positions (real Yjs
// updates, made as the worker makes them), sometimes replace it whole; whatever order, duplication
// and batching the actions arrive in, every replica ends with the same text, equal to a replay.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction, mergeAll, type EntityState } from '../../../src/sync/merge';
import { stampOf } from '../../../src/sync/stamp';
import { diffSplices } from '../../../src/sync/text/splices';
import { createDocCache, makeEdit, stateVectorOf } from '../../../src/sync/text/yjsText';
import { actionId, CLIENTS, shuffledWithDuplicates } from '../arbitraries';

const NOTE = '0190f3a0-0000-7000-9000-0000000000aa';
const params = { numRuns: 150, verbose: 1 as const, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) };

type Step =
  | { kind: 'edit'; device: number; at: number; del: number; insert: string }
  | { kind: 'replace'; device: number; text: string }
  | { kind: 'sync'; from: number; to: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), device: fc.nat(2), at: fc.nat(60), del: fc.nat(3), insert: fc.constantFrom('', 'a', 'bc', ' word', '\n', 'é') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), device: fc.nat(2), text: fc.constantFrom('', 'fresh', 'new text') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }) },
);

/** Runs the steps on three devices; returns every action made, in the order they were made. */
function simulate(steps: readonly Step[]): Action[] {
  const log: Action[] = [];
  const states: (EntityState | undefined)[] = [undefined, undefined, undefined];
  const seen: Set<string>[] = [new Set(), new Set(), new Set()];
  const caches = [createDocCache(4), createDocCache(4), createDocCache(4)];
  let ms = 1;
  const apply = (d: number, a: Action) => {
    if (seen[d]!.has(a.id)) return;
    seen[d]!.add(a.id);
    states[d] = mergeAction(states[d], a, CLIENTS[d], caches[d]).state;
  };
  const make = (d: number, rest: Pick<Action, 'type' | 'payload'> & Partial<Action>) => {
    const a: Action = { id: actionId(log.length + 1), collection: 'notes', entityId: NOTE, hlc: formatHlc({ ms: ms++, counter: 0, node: CLIENTS[d]! }), clientId: CLIENTS[d]!, ...rest };
    log.push(a);
    apply(d, a);
  };
  make(0, { type: 'create', payload: { title: '', body: 'The seed text of the note' } });
  for (const step of steps) {
    if (step.kind === 'sync') {
      for (const a of log) if (seen[step.from]!.has(a.id)) apply(step.to, a);
      continue;
    }
    const d = step.device;
    const s = states[d];
    if (!s || s.stamps.body === undefined) continue;
    if (step.kind === 'replace') {
      make(d, { type: 'update', payload: { body: step.text }, base: { body: s.stamps.body } });
      continue;
    }
    const text = s.fields.body ?? '';
    const at = step.at % (text.length + 1);
    const next = text.slice(0, at) + step.insert + text.slice(Math.min(text.length, at + step.del));
    if (next === text) continue;
    const doc = s.texts?.body?.doc ?? null;
    const edit = makeEdit({ key: `${d}`, baseStamp: s.stamps.body, baseText: doc ? '' : text, doc }, diffSplices(text, next));
    make(d, { type: 'update', payload: {}, edits: { body: { base: s.stamps.body, update: edit.update } } });
  }
  return log;
}

/** What must agree across replicas: visible text, base, last edit, and the document's content. */
function comparable(s: EntityState | undefined): unknown {
  if (!s) return undefined;
  const t = s.texts?.body;
  return {
    fields: s.fields,
    stamps: s.stamps,
    edited: t?.edited ?? null,
    doc: t?.doc ? stateVectorOf(t.doc) : null,
    waiting: [...(t?.waiting ?? [])].map((w) => w.stamp).sort(),
  };
}

function merged(actions: readonly Action[], pages: readonly number[] = []): EntityState | undefined {
  const states = new Map<string, EntityState>();
  let i = 0;
  for (const size of pages) {
    mergeAll(states, actions.slice(i, i + size));
    i += size;
  }
  mergeAll(states, actions.slice(i));
  return [...states.values()][0];
}

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
