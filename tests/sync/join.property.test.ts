// The state join and snapshots (DESIGN.md section 3): join(state(A), state(B)) = state(A ∪ B), the
// join is commutative, associative and idempotent, and applying a snapshot equals applying the
// actions it covers, with later actions merging on top in any order.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/sync/action';
import { formatHlc } from '../../src/sync/hlc';
import { joinEntities } from '../../src/sync/join';
import { mergeAll, type EntityState } from '../../src/sync/merge';
import { decodeSnapshot, encodeSnapshot } from '../../src/sync/snapshot';
import { actionId, CLIENTS } from './arbitraries';
import { comparable, merged, NOTE, params, simulate, stepArb } from './text/simulate';

const histories = fc.array(stepArb, { maxLength: 30 }).map(simulate);
/** A history and two (overlapping) parts of it, as two devices may have seen it. */
const split = histories.chain((log) => fc.tuple(fc.constant(log), fc.subarray(log), fc.subarray(log)));

function stateOf(actions: readonly Action[]): EntityState | undefined {
  return merged(actions);
}

function snapshotOf(state: EntityState, n: number): Action {
  return {
    id: actionId(90_000 + n),
    collection: 'notes',
    entityId: NOTE,
    type: 'snapshot',
    payload: {},
    basis: 0,
    state: encodeSnapshot({ state, seen: {}, deleteSeen: {} }),
    hlc: formatHlc({ ms: 999_999, counter: n, node: CLIENTS[2] }),
    clientId: CLIENTS[2],
  };
}

describe('state join', () => {
  it('join(state(A), state(B)) = state(A ∪ B), and the join is commutative and idempotent', () => {
    fc.assert(
      fc.property(split, ([log, a, b]) => {
        const sa = stateOf(a);
        const sb = stateOf(b);
        const union = stateOf(log.filter((x) => a.includes(x) || b.includes(x)));
        if (!sa || !sb) return;
        expect(comparable(joinEntities(sa, sb))).toEqual(comparable(union));
        expect(comparable(joinEntities(sb, sa))).toEqual(comparable(union));
        expect(comparable(joinEntities(sa, sa))).toEqual(comparable(sa));
      }),
      params,
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(histories.chain((log) => fc.tuple(fc.subarray(log), fc.subarray(log), fc.subarray(log))), ([a, b, c]) => {
        const [sa, sb, sc] = [stateOf(a), stateOf(b), stateOf(c)];
        if (!sa || !sb || !sc) return;
        expect(comparable(joinEntities(joinEntities(sa, sb), sc))).toEqual(comparable(joinEntities(sa, joinEntities(sb, sc))));
      }),
      params,
    );
  });
});

describe('snapshots', () => {
  it('applying a snapshot equals applying the actions it covers; the rest merge on top in any order', () => {
    fc.assert(
      fc.property(
        histories.chain((log) => fc.tuple(fc.constant(log), fc.nat(log.length), fc.boolean())),
        ([log, cut, snapshotLast]) => {
          const covered = log.slice(0, cut);
          const rest = log.slice(cut);
          const at = stateOf(covered);
          if (!at) return;
          const snap = snapshotOf(at, cut);
          const content = decodeSnapshot(snap);
          expect(typeof content).not.toBe('string');
          expect(comparable(typeof content === 'string' ? undefined : content.state)).toEqual(comparable(at));
          const states = new Map<string, EntityState>();
          mergeAll(states, snapshotLast ? [...rest, snap] : [snap, ...rest]);
          expect(comparable([...states.values()][0])).toEqual(comparable(stateOf(log)));
        },
      ),
      params,
    );
  });

  it('carry text documents garbage-collected: deleted text does not live on', () => {
    const log = simulate([
      { kind: 'edit', device: 0, at: 25, del: 0, insert: ' and more' },
      { kind: 'edit', device: 0, at: 0, del: 4, insert: '' },
    ]);
    const state = stateOf(log)!;
    const secret = 'The';
    const json = encodeSnapshot({ state, seen: {}, deleteSeen: {} });
    const docBytes = atob(JSON.parse(json).texts.body.doc as string);
    expect(docBytes.includes(secret)).toBe(false);
    expect(state.fields.body?.startsWith(secret)).toBe(false);
  });
});
