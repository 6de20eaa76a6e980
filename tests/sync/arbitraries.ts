// fast-check generators of actions from a few devices over a few entities: small domains, so that
// generated histories collide on the same fields and entities as often as real offline edits do.

import fc from 'fast-check';
import type { Action, ActionType } from '../../src/sync/action';
import { formatHlc } from '../../src/sync/hlc';

export const CLIENTS = [
  '0190f3a0-0000-7000-8000-00000000000a',
  '0190f3a0-0000-7000-8000-00000000000b',
  '0190f3a0-0000-7000-8000-00000000000c',
] as const;
export const ENTITIES = [
  '0190f3a0-0000-7000-9000-000000000001',
  '0190f3a0-0000-7000-9000-000000000002',
  '0190f3a0-0000-7000-9000-000000000003',
] as const;

export function actionId(n: number): string {
  return `0190f3a0-0000-7000-a000-${n.toString(16).padStart(12, '0')}`;
}

const draft = fc.record({
  client: fc.constantFrom(...CLIENTS),
  entity: fc.constantFrom(...ENTITIES),
  type: fc.constantFrom<ActionType>('create', 'update', 'update', 'update', 'delete', 'restore', 'purge'),
  ms: fc.integer({ min: 1, max: 6 }),
  counter: fc.integer({ min: 0, max: 2 }),
  title: fc.option(fc.constantFrom('a', 'b', 'c', ''), { nil: undefined }),
  body: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: undefined }),
});

/** A list of distinct actions (unique ids); types and payloads are valid for the notes collection. */
export const actionsArb = fc.array(draft, { minLength: 0, maxLength: 40 }).map((drafts) =>
  drafts.map((d, i): Action => {
    const payload: Record<string, string> = {};
    if (d.type === 'create' || d.type === 'update' || d.type === 'restore') {
      if (d.title !== undefined) payload.title = d.title;
      if (d.body !== undefined) payload.body = d.body;
      if (d.type === 'update' && Object.keys(payload).length === 0) payload.title = 'u';
    }
    return {
      id: actionId(i),
      collection: 'notes',
      entityId: d.entity,
      type: d.type,
      payload,
      hlc: formatHlc({ ms: d.ms, counter: d.counter, node: d.client }),
      clientId: d.client,
    };
  }),
);

/** A shuffled copy of `xs` with some elements repeated, driven by fast-check's random source. */
export function shuffledWithDuplicates<T>(xs: readonly T[]): fc.Arbitrary<T[]> {
  return fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: xs.length, maxLength: xs.length }),
      fc.array(fc.nat(), { maxLength: 10 }),
    )
    .map(([keys, dups]) => {
      const withDups = [...xs, ...(xs.length ? dups.map((d) => xs[d % xs.length]!) : [])];
      const ks = [...keys, ...dups];
      return withDups
        .map((x, i) => ({ x, k: ks[i] ?? i }))
        .sort((a, b) => a.k - b.k)
        .map(({ x }) => x);
    });
}
