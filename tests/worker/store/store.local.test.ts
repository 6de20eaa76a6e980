import { describe, expect, it } from 'vitest';
import { formatHlc, parseHlc } from '../../../src/sync/hlc';
import { stampOf } from '../../../src/sync/stamp';
import { findAction } from '../../../src/worker/store/actionLog';
import { readClock } from '../../../src/worker/db/meta';
import { getNote } from '../../../src/worker/notes/noteQueries';
import { Store } from '../../../src/worker/store/store';
import { count, fakeClock, fillUp, idMaker, memoryDb, openStore } from '../helpers';

const NOTE = '0198c000-0000-7000-8000-000000000001';

describe('Store.applyLocal: one transaction per user change', () => {
  it('appends a pending action and materializes its row together', async () => {
    const store = await openStore();
    const r = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'Hello', body: 'World' } });

    const logged = findAction(store.db, r.action.id);
    expect(logged).toMatchObject({ status: 'pending', serverSeq: null, localSeq: 1 });
    expect(logged?.action).toEqual(r.action);
    expect(r.action).toMatchObject({ clientId: store.clientId, entityId: NOTE, type: 'create' });
    expect(parseHlc(r.action.hlc).node).toBe(store.clientId);
    const stamp = stampOf(r.action);
    expect(getNote(store.db, NOTE)).toMatchObject({ title: 'Hello', body: 'World', stamps: { title: stamp, body: stamp }, pending: true });
  });

  it('stamps every action after the previous one, even when the wall clock goes back', async () => {
    const clock = fakeClock(2_000_000_000_000);
    const store = await openStore({ now: clock.now });
    const a = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: '', body: '' } });
    clock.set(1_000_000_000_000);
    const b = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'later' } });
    expect(b.action.hlc > a.action.hlc).toBe(true);
    // The clock is what the next stamp follows: the last logged one (meta is not rewritten per write).
    expect(formatHlc(readClock(store.db, store.clientId))).toBe(b.action.hlc);
  });

  it('a local write after anything else wrote the clock (a pulled page, another connection object) stamps after it', async () => {
    const db = await memoryDb();
    const clock = fakeClock(1_800_000_000_000);
    const store = Store.open(db, { now: clock.now, newId: idMaker('0198f000') });
    const a = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 't', body: 'b' } });
    // A device whose clock is a minute ahead: its stamp moves ours (receive), the wall clock does not.
    const ahead = formatHlc({ ms: parseHlc(a.action.hlc).ms + 60_000, counter: 3, node: '0198a000-0000-7000-8000-000000000001' });
    store.applyRemote([{ id: '0198a000-0000-7000-8000-0000000000aa', collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'from there' }, hlc: ahead, clientId: '0198a000-0000-7000-8000-000000000001', seq: 1 }]);
    const b = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'c' } });
    expect(b.action.hlc > ahead).toBe(true);
    // Another Store on the same connection writes a later stamp: the first one's next write follows it.
    const other = Store.open(db, { now: clock.now, newId: idMaker('0198f100') });
    clock.set(parseHlc(b.action.hlc).ms + 120_000);
    const c = other.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'elsewhere' } });
    clock.set(parseHlc(a.action.hlc).ms);
    const d = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'here' } });
    expect(d.action.hlc > c.action.hlc).toBe(true);
  });

  it('keeps the clock and client id in the database: reopening continues where it stopped', async () => {
    const db = await memoryDb();
    const clock = fakeClock(1_800_000_000_000);
    const first = Store.open(db, { now: clock.now, newId: idMaker('0198d000') });
    const a = first.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 't', body: 'b' } });
    clock.set(1_700_000_000_000);
    const second = Store.open(db, { now: clock.now, newId: idMaker('0198e000') });
    expect(second.clientId).toBe(first.clientId);
    const b = second.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'c' } });
    expect(b.action.hlc > a.action.hlc).toBe(true);
  });

  it('sends as base, per changed field, the stamp the UI gave or else the current one', async () => {
    const store = await openStore();
    const created = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'a', body: 'b' } });
    const s0 = stampOf(created.action);
    const u1 = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'a2' } });
    expect(u1.action.base).toEqual({ title: s0 });
    const u2 = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'a3', body: 'b2' }, base: { title: s0 } });
    expect(u2.action.base).toEqual({ title: s0, body: s0 });
  });

  it('sends as the base of a delete the current stamp of every field', async () => {
    const store = await openStore();
    const c = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'a', body: 'b' } });
    const u = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'b2' } });
    const d = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'delete' });
    expect(d.action.payload).toEqual({});
    expect(d.action.base).toEqual({ title: stampOf(c.action), body: stampOf(u.action) });
    expect(getNote(store.db, NOTE)).toBeNull();
    expect(count(store.db, 'SELECT count(*) FROM notes WHERE id = ? AND deleted_stamp IS NOT NULL', [NOTE])).toBe(1);
  });

  it('applies a retried action id once', async () => {
    const store = await openStore();
    const actionId = '0198f000-0000-7000-8000-000000000001';
    const first = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'x', body: '' }, actionId });
    const again = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'x', body: '' }, actionId });
    expect(again.duplicate).toBe(true);
    expect(again.action).toEqual(first.action);
    expect(count(store.db, 'SELECT count(*) FROM actions')).toBe(1);
  });

  it('refuses an action the server would refuse, writing nothing', async () => {
    const store = await openStore();
    expect(() => store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { colour: 'red' } })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(() => store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'x'.repeat(1001) } })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    expect(count(store.db, 'SELECT count(*) FROM actions')).toBe(0);
    expect(count(store.db, 'SELECT count(*) FROM notes')).toBe(0);
  });

  it('on a full disk fails whole: no action, no row change, no clock change', async () => {
    const store = await openStore();
    store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'small', body: 'small' } });
    const before = {
      note: getNote(store.db, NOTE),
      actions: count(store.db, 'SELECT count(*) FROM actions'),
      hlc: formatHlc(readClock(store.db, store.clientId)),
    };
    fillUp(store.db);

    let error: unknown;
    try {
      store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'x'.repeat(200_000) } });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ resultCode: 13 });
    expect(count(store.db, 'SELECT count(*) FROM actions')).toBe(before.actions);
    expect(getNote(store.db, NOTE)).toEqual(before.note);
    expect(formatHlc(readClock(store.db, store.clientId))).toBe(before.hlc);

    // Nothing is left half-open: the next small write succeeds.
    store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'ok' } });
    expect(getNote(store.db, NOTE)?.title).toBe('ok');
  });
});
