// Whatever order and batching the server delivers actions in, with repeats, the materialized rows
// equal a replay of the log from empty (DESIGN.md section 3), and the incremental path never
// replays. fast-check prints the seed and the shrunk counterexample when this fails.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, ActionType } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { entityKey, mergeAction, type EntityState } from '../../../src/sync/merge';
import { materializedState, replayLog } from '../../../src/worker/store/replay';
import { Store, type RemoteAction } from '../../../src/worker/store/store';
import { canonicalStates, count, fakeClock, memoryDb, uuidFor } from '../helpers';

const CLIENTS = [uuidFor('0a000000', 1), uuidFor('0b000000', 2), uuidFor('0c000000', 3)];
const ENTITIES = [uuidFor('e0000000', 1), uuidFor('e0000000', 2), uuidFor('e0000000', 3)];
const T0 = 1_750_000_000_000;

interface Draft {
  client: number;
  entity: number;
  type: ActionType;
  title: string | null;
  body: string | null;
  ms: number;
  counter: number;
  baseEmpty: boolean;
}

const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '\n', 'é'), maxLength: 4 });
const draftArb: fc.Arbitrary<Draft> = fc.record({
  client: fc.nat(2),
  entity: fc.nat(2),
  type: fc.oneof(
    { weight: 3, arbitrary: fc.constant<ActionType>('create') },
    { weight: 5, arbitrary: fc.constant<ActionType>('update') },
    { weight: 2, arbitrary: fc.constant<ActionType>('delete') },
    { weight: 1, arbitrary: fc.constant<ActionType>('restore') },
    { weight: 1, arbitrary: fc.constant<ActionType>('purge') },
  ),
  title: fc.option(text),
  body: fc.option(text),
  // Few distinct times: equal ms across clients exercise the counter and clientId tie-breaks.
  ms: fc.nat(5),
  counter: fc.nat(2),
  baseEmpty: fc.boolean(),
});

function toAction(d: Draft, i: number): Action {
  const clientId = CLIENTS[d.client]!;
  const payload: Record<string, string> = {};
  if (d.type === 'create') Object.assign(payload, { title: d.title ?? '', body: d.body ?? '' });
  if (d.type === 'update' || d.type === 'restore') {
    if (d.title !== null) payload.title = d.title;
    if (d.body !== null || d.title === null) payload.body = d.body ?? '';
  }
  return {
    id: uuidFor('ac000000', i),
    collection: 'notes',
    entityId: ENTITIES[d.entity]!,
    type: d.type,
    payload,
    hlc: formatHlc({ ms: T0 + d.ms, counter: d.counter, node: clientId }),
    clientId,
    ...(d.baseEmpty ? {} : { base: Object.fromEntries(Object.keys(payload).map((f) => [f, ''])) }),
  };
}

/** A delivery: a permutation of the actions, some repeated, cut into pages. */
const scenarioArb = fc.array(draftArb, { minLength: 1, maxLength: 40 }).chain((drafts) => {
  const actions = drafts.map(toAction);
  const n = actions.length;
  return fc.record({
    actions: fc.constant(actions),
    order: fc.shuffledSubarray([...actions.keys()], { minLength: n, maxLength: n }),
    repeats: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n)), { maxLength: 10 }),
    cuts: fc.uniqueArray(fc.nat(n + 10), { maxLength: 6 }),
    withSeq: fc.boolean(),
    localClient: fc.nat(3),
  });
});

function replayFromEmpty(actions: readonly Action[]): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  for (const a of actions) {
    const key = entityKey(a.collection, a.entityId);
    const r = mergeAction(states.get(key), a);
    if (r.changed) states.set(key, r.state);
  }
  return states;
}

describe('applyRemote equals a replay from empty', () => {
  it('for any delivery order, page split and repeats, from 3 clients', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ actions, order, repeats, cuts, withSeq, localClient }) => {
        const delivery: RemoteAction[] = order.map((i) => actions[i]!);
        for (const [which, at] of repeats) delivery.splice(Math.min(at, delivery.length), 0, actions[which]!);
        const seqOf = new Map(actions.map((a, i) => [a.id, i + 1]));
        const sent = withSeq ? delivery.map((a) => ({ ...a, seq: seqOf.get(a.id)! })) : delivery;

        // The device itself may be one of the three clients (its own actions come back) or a fourth.
        const db = await memoryDb();
        const clientId = CLIENTS[localClient] ?? uuidFor('0d000000', 4);
        const store = Store.open(db, { now: fakeClock(T0).now, newId: () => clientId });
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, sent.length)), sent.length])].sort((a, b) => a - b);
        for (let i = 0; i + 1 < bounds.length; i++) store.applyRemote(sent.slice(bounds[i], bounds[i + 1]));

        const expected = canonicalStates(replayFromEmpty(actions));
        expect(canonicalStates(materializedState(db))).toBe(expected);
        expect(canonicalStates(replayLog(db))).toBe(expected);
        expect(count(db, 'SELECT count(*) FROM actions')).toBe(actions.length);
        expect(count(db, `SELECT count(*) FROM actions WHERE status <> 'acked'`)).toBe(0);
        db.close();
      }),
      { numRuns: 150 },
    );
  });
});
