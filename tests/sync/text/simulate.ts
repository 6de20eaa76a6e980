// Devices editing one note as the worker does (real Yjs updates from makeEdit), for the text merge,
// join and snapshot property tests: a few devices type at random places, replace the body whole now
// and then, retitle, delete and restore, and exchange what they have at random moments.

import fc from 'fast-check';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction, mergeAll, type EntityState } from '../../../src/sync/merge';
import { diffSplices } from '../../../src/sync/text/splices';
import { createDocCache, makeEdit, stateVectorOf } from '../../../src/sync/text/yjsText';
import { actionId, CLIENTS } from '../arbitraries';

export const NOTE = '0190f3a0-0000-7000-9000-0000000000aa';
export const params = { numRuns: 150, verbose: 1 as const, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) };

export type Step =
  | { kind: 'edit'; device: number; at: number; del: number; insert: string }
  | { kind: 'replace'; device: number; text: string }
  | { kind: 'sync'; from: number; to: number }
  | { kind: 'title'; device: number; text: string }
  | { kind: 'delete'; device: number }
  | { kind: 'restore'; device: number };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), device: fc.nat(2), at: fc.nat(60), del: fc.nat(3), insert: fc.constantFrom('', 'a', 'bc', ' word', '\n', 'é') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), device: fc.nat(2), text: fc.constantFrom('', 'fresh', 'new text') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('title' as const), device: fc.nat(2), text: fc.constantFrom('A', 'B', '') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), device: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restore' as const), device: fc.nat(2) }) },
);

/** Runs the steps on three devices; returns every action made, in the order they were made. */
export function simulate(steps: readonly Step[]): Action[] {
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
    if (step.kind === 'title') {
      make(d, { type: 'update', payload: { title: step.text }, ...(s.stamps.title ? { base: { title: s.stamps.title } } : {}) });
      continue;
    }
    if (step.kind === 'delete') {
      make(d, { type: 'delete', payload: {}, base: { ...s.stamps } });
      continue;
    }
    if (step.kind === 'restore') {
      make(d, { type: 'restore', payload: {} });
      continue;
    }
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
export function comparable(s: EntityState | undefined): unknown {
  if (!s) return undefined;
  const t = s.texts?.body;
  return {
    fields: s.fields,
    stamps: s.stamps,
    tombstones: [s.createdStamp, s.deletedStamp, s.restoredStamp, s.purgedStamp],
    edited: t?.edited ?? null,
    doc: t?.doc ? stateVectorOf(t.doc) : null,
    waiting: [...(t?.waiting ?? [])].map((w) => w.stamp).sort(),
  };
}

export function merged(actions: readonly Action[], pages: readonly number[] = []): EntityState | undefined {
  const states = new Map<string, EntityState>();
  let i = 0;
  for (const size of pages) {
    mergeAll(states, actions.slice(i, i + size));
    i += size;
  }
  mergeAll(states, actions.slice(i));
  return [...states.values()][0];
}

