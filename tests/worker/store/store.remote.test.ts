import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc, parseHlc } from '../../../src/sync/hlc';
import { stampOf } from '../../../src/sync/stamp';
import { findAction } from '../../../src/worker/store/actionLog';
import { getNote, listNotes } from '../../../src/worker/notes/noteQueries';
import { count, fakeClock, openStore, uuidFor } from '../helpers';

const NOTE = uuidFor('0199a000', 1);
const OTHER = uuidFor('0199b000', 99);
let nextId = 0;

function remote(partial: Partial<Action> & Pick<Action, 'type'>, ms: number, clientId = OTHER): Action {
  return {
    id: uuidFor('0199c000', ++nextId),
    collection: 'notes',
    entityId: NOTE,
    payload: {},
    hlc: formatHlc({ ms, counter: 0, node: clientId }),
    clientId,
    ...partial,
  };
}

describe('Store.applyRemote', () => {
  it('inserts new actions once: a page seen twice changes nothing the second time', async () => {
    const store = await openStore();
    const batch = [remote({ type: 'create', payload: { title: 'From afar', body: '' } }, 1_750_000_000_000)];
    const first = store.applyRemote(batch.map((a, i) => ({ ...a, seq: i + 1 })));
    expect(first).toMatchObject({ inserted: 1, changedIds: [NOTE] });
    const again = store.applyRemote(batch.map((a, i) => ({ ...a, seq: i + 1 })));
    expect(again).toMatchObject({ inserted: 0, acked: 0, changedIds: [] });
    expect(count(store.db, 'SELECT count(*) FROM actions')).toBe(1);
    expect(findAction(store.db, batch[0]!.id)).toMatchObject({ status: 'acked', serverSeq: 1 });
    expect(listNotes(store.db).map((n) => n.title)).toEqual(['From afar']);
  });

  it('acknowledges our own actions coming back: acked with their seq, no longer pending, not merged twice', async () => {
    const store = await openStore();
    const mine = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'Mine', body: '' } });
    expect(getNote(store.db, NOTE)?.pending).toBe(true);
    const rowBefore = store.db.selectObject('SELECT * FROM notes');

    const r = store.applyRemote([{ ...mine.action, seq: 7 }], { cursor: 7 });
    expect(r).toMatchObject({ inserted: 0, acked: 1, changedIds: [NOTE] });
    expect(findAction(store.db, mine.action.id)).toMatchObject({ status: 'acked', serverSeq: 7 });
    expect(getNote(store.db, NOTE)?.pending).toBe(false);
    expect(store.pendingActions(10)).toEqual([]);
    expect(store.db.selectObject('SELECT * FROM notes')).toEqual(rowBefore);
    expect(store.syncCursor).toBe(7);
  });

  it('keeps an update that arrives before its create, invisible until the create lands', async () => {
    const store = await openStore();
    const create = remote({ type: 'create', payload: { title: 'Original', body: 'text' } }, 1_750_000_000_000);
    const update = remote({ type: 'update', payload: { title: 'Renamed' } }, 1_750_000_001_000);

    const early = store.applyRemote([update]);
    expect(early.changedIds).toEqual([]);
    expect(listNotes(store.db)).toEqual([]);
    expect(getNote(store.db, NOTE)).toBeNull();

    const late = store.applyRemote([create]);
    expect(late.changedIds).toEqual([NOTE]);
    expect(getNote(store.db, NOTE)).toMatchObject({ title: 'Renamed', body: 'text' });
  });

  it('records an overwrite of a local edit made without seeing it as a conflict, once', async () => {
    const clock = fakeClock(1_750_000_000_000);
    const store = await openStore({ now: clock.now });
    const base = remote({ type: 'create', payload: { title: 'Shared', body: '' } }, 1_749_000_000_000);
    store.applyRemote([base]);
    const mine = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'My title' } });

    // Another device, with a faster clock, edited the same field on top of the original value.
    const theirs = remote({ type: 'update', payload: { title: 'Their title' }, base: { title: stampOf(base) } }, 1_760_000_000_000);
    const r = store.applyRemote([theirs]);
    expect(getNote(store.db, NOTE)?.title).toBe('Their title');
    expect(r.conflicts).toEqual([
      expect.objectContaining({ entityId: NOTE, field: 'title', kind: 'overwritten', lostValue: 'My title', lostStamp: stampOf(mine.action), winnerStamp: stampOf(theirs) }),
    ]);
    expect(store.openConflicts()).toHaveLength(1);
    store.applyRemote([theirs]);
    expect(store.openConflicts()).toHaveLength(1);
  });

  it('records a local edit lost to a delete from another device', async () => {
    const store = await openStore();
    const create = remote({ type: 'create', payload: { title: 'T', body: 'B' } }, 1_700_000_000_000);
    store.applyRemote([create]);
    store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'my unsaved thought' } });
    const del = remote({ type: 'delete', base: { title: stampOf(create), body: stampOf(create) } }, 1_700_000_000_500);
    const r = store.applyRemote([del]);
    expect(r.changedIds).toEqual([NOTE]);
    expect(getNote(store.db, NOTE)).toBeNull();
    expect(r.conflicts).toEqual([expect.objectContaining({ kind: 'deleted', field: 'body', lostValue: 'my unsaved thought' })]);
  });

  it('folds remote clocks in: the next local stamp orders after everything seen', async () => {
    const store = await openStore({ now: fakeClock(1_750_000_000_000).now });
    const future = remote({ type: 'create', payload: { title: 'from the future', body: '' } }, 1_750_000_099_000);
    store.applyRemote([future]);
    const mine = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'after' } });
    expect(mine.action.hlc > future.hlc).toBe(true);
    expect(parseHlc(mine.action.hlc).ms).toBe(parseHlc(future.hlc).ms);
    expect(getNote(store.db, NOTE)?.title).toBe('after');
  });

  it('fails a batch whole: nothing inserted, cursor unmoved', async () => {
    const store = await openStore();
    store.setSyncCursor(3);
    const good = remote({ type: 'create', payload: { title: 'ok', body: '' } }, 1_750_000_000_000);
    const bad = { ...remote({ type: 'create', payload: { title: 'bad', body: '' } }, 1_750_000_000_000), collection: 'recipes' };
    expect(() => store.applyRemote([good, bad], { cursor: 5 })).toThrow(expect.objectContaining({ name: 'ValidationError' }));
    expect(count(store.db, 'SELECT count(*) FROM actions')).toBe(0);
    expect(count(store.db, 'SELECT count(*) FROM notes')).toBe(0);
    expect(store.syncCursor).toBe(3);
  });
});
