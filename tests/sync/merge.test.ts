import { describe, expect, it } from 'vitest';
import { mergeAction, isVisible, lastChangedStamp, type EntityState } from '../../src/sync/merge';
import type { Action } from '../../src/sync/action';
import { formatHlc } from '../../src/sync/hlc';
import { stampOf } from '../../src/sync/stamp';
import { CLIENTS, ENTITIES, actionId } from './arbitraries';

const [A, B] = CLIENTS;
const NOTE = ENTITIES[0];
let n = 0;
function act(client: string, type: Action['type'], ms: number, payload: Record<string, string> = {}, base?: Record<string, string>): Action {
  return { id: actionId(++n), collection: 'notes', entityId: NOTE, type, payload, hlc: formatHlc({ ms, counter: 0, node: client }), clientId: client, ...(base ? { base } : {}) };
}
function fold(actions: Action[], local?: string): { state: EntityState | undefined; conflicts: unknown[] } {
  let state: EntityState | undefined;
  const conflicts: unknown[] = [];
  for (const a of actions) {
    const r = mergeAction(state, a, local);
    state = r.state;
    conflicts.push(...r.conflicts);
  }
  return { state, conflicts };
}

describe('merge rules', () => {
  it('an update that arrives before its create is kept but invisible until the create arrives', () => {
    const create = act(A, 'create', 1, { title: 't', body: '' });
    const update = act(A, 'update', 2, { body: 'later text' });
    const early = fold([update]);
    expect(isVisible(early.state!)).toBe(false);
    const both = fold([update, create]);
    expect(isVisible(both.state!)).toBe(true);
    expect(both.state!.fields).toEqual({ title: 't', body: 'later text' });
  });

  it('a second create of the same entity merges like an update', () => {
    const s = fold([act(A, 'create', 1, { title: 'one', body: 'x' }), act(B, 'create', 2, { title: 'two' })]).state!;
    expect(s.fields).toEqual({ title: 'two', body: 'x' });
    expect(s.createdStamp).not.toBeNull();
  });

  it('an update stamped after a delete does not resurrect; a later restore does', () => {
    const create = act(A, 'create', 1, { title: 't' });
    const del = act(B, 'delete', 2);
    const update = act(A, 'update', 3, { title: 'edited after delete' });
    expect(isVisible(fold([create, del, update]).state!)).toBe(false);
    const restored = fold([create, del, update, act(A, 'restore', 4)]).state!;
    expect(isVisible(restored)).toBe(true);
    expect(restored.fields.title).toBe('edited after delete');
    expect(isVisible(fold([create, act(A, 'restore', 1), del]).state!)).toBe(false);
  });

  it('delete and restore: the greater stamp decides, whatever the arrival order', () => {
    const create = act(A, 'create', 1, { title: 't' });
    const del = act(B, 'delete', 2);
    const restoreAfter = act(A, 'restore', 3);
    const restoreBefore = act(A, 'restore', 1);
    const deleteAgain = act(B, 'delete', 4);
    const orders = <T,>(xs: T[]): T[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));
    for (const order of orders([create, del, restoreAfter])) expect(isVisible(fold(order).state!)).toBe(true);
    for (const order of orders([create, del, restoreBefore])) expect(isVisible(fold(order).state!)).toBe(false);
    for (const order of orders([create, del, restoreAfter, deleteAgain])) expect(isVisible(fold(order).state!)).toBe(false);
  });

  it('purge drops the text and ignores later writes', () => {
    const s = fold([act(A, 'create', 1, { title: 't', body: 'secret' }), act(A, 'delete', 2), act(A, 'purge', 3), act(B, 'update', 9, { body: 'late' })]).state!;
    expect(s.fields).toEqual({});
    expect(isVisible(s)).toBe(false);
  });

  it('reports a local edit overwritten by a concurrent remote edit, with the losing text', () => {
    const create = act(A, 'create', 1, { title: 't', body: '' });
    const mine = act(A, 'update', 5, { body: 'my offline text' }, { body: stampOf(create) });
    const theirs = act(B, 'update', 6, { body: 'their offline text' }, { body: stampOf(create) });
    const r = fold([create, mine, theirs], A);
    expect(r.state!.fields.body).toBe('their offline text');
    expect(r.conflicts).toEqual([
      expect.objectContaining({ entityId: NOTE, field: 'body', kind: 'overwritten', lostValue: 'my offline text', lostStamp: stampOf(mine), winnerStamp: stampOf(theirs) }),
    ]);
  });

  it('does not report an edit made after seeing ours', () => {
    const create = act(A, 'create', 1, { title: 't' });
    const mine = act(A, 'update', 5, { title: 'mine' }, { title: stampOf(create) });
    const theirs = act(B, 'update', 6, { title: 'theirs' }, { title: stampOf(mine) });
    expect(fold([create, mine, theirs], A).conflicts).toEqual([]);
  });

  it('reports a local edit to a note deleted elsewhere, in either arrival order', () => {
    const create = act(A, 'create', 1, { title: 't', body: '' });
    const mine = act(A, 'update', 5, { body: 'kept text' }, { body: stampOf(create) });
    const del = act(B, 'delete', 4, {}, { title: stampOf(create), body: stampOf(create) });
    for (const order of [[create, mine, del], [create, del, mine]]) {
      const r = fold(order, A);
      expect(isVisible(r.state!)).toBe(false);
      expect(r.conflicts).toEqual([expect.objectContaining({ field: 'body', kind: 'deleted', lostValue: 'kept text' })]);
    }
  });

  it('last changed is the greatest stamp that touched the entity', () => {
    const c = act(A, 'create', 1, { title: 't' });
    const u = act(B, 'update', 7, { body: 'b' });
    expect(lastChangedStamp(fold([c, u]).state!)).toBe(stampOf(u));
  });
});
