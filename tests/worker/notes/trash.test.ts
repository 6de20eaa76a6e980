// The Trash (issue 7): delete then undo (restore), restore from the Trash, removal for good; every
// change an action that syncs, in any arrival order.

import { describe, expect, it, vi } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { findAction } from '../../../src/worker/store/actionLog';
import type { ChangeEvent } from '../../../src/worker/api';
import { TrashService } from '../../../src/worker/notes/trash';
import { count, fakeClock, openService, openStore, uuidFor } from '../helpers';

const OTHER = uuidFor('0199f000', 1);
let nextRemote = 0;
function remoteFor(entityId: string, type: Action['type'], ms: number, base?: Record<string, string>): Action {
  return {
    id: uuidFor('0199e000', ++nextRemote),
    collection: 'notes',
    entityId,
    type,
    payload: {},
    hlc: formatHlc({ ms, counter: 0, node: OTHER }),
    clientId: OTHER,
    ...(base ? { base } : {}),
  };
}

async function setup() {
  const { service, db } = await openService({ now: fakeClock(1_750_000_000_000, 1000).now });
  return { service, db, trash: new TrashService(service) };
}

function lastAction(db: Awaited<ReturnType<typeof setup>>['db']) {
  return db.selectObject('SELECT type, payload, status FROM actions ORDER BY local_seq DESC LIMIT 1');
}

describe('Trash', () => {
  it('lists deleted notes, most recently deleted first; Undo (restore) brings a note back as it was', async () => {
    const { service, trash, db } = await setup();
    const a = await service.createNote({ title: 'A', body: 'alpha\nmore' });
    const b = await service.createNote({ title: 'B', body: 'beta' });
    const keep = await service.createNote({ title: 'Keep' });
    await service.deleteNote(a.id);
    await service.deleteNote(b.id);

    const listed = await trash.list();
    expect(listed.map((t) => t.id)).toEqual([b.id, a.id]);
    expect(listed[1]).toMatchObject({ title: 'A', snippet: 'alpha' });
    expect(listed[0]!.deletedAt).toBeGreaterThan(listed[1]!.deletedAt);
    expect((await service.listNotes()).map((n) => n.id)).toEqual([keep.id]);

    const back = await trash.restore(a.id);
    expect(back).toMatchObject({ id: a.id, title: 'A', body: 'alpha\nmore', pending: true });
    expect(lastAction(db)).toMatchObject({ type: 'restore', status: 'pending' });
    expect((await trash.list()).map((t) => t.id)).toEqual([b.id]);
    expect((await service.listNotes()).map((n) => n.id).sort()).toEqual([a.id, keep.id].sort());
    // The restored note is an ordinary note again: editable, deletable.
    await service.updateNote(a.id, { title: 'A again' });
    expect((await service.getNote(a.id))?.title).toBe('A again');
  });

  it('restore of a visible note returns it and writes nothing; unknown or removed notes are NotFoundError', async () => {
    const { service, trash, db } = await setup();
    const n = await service.createNote({ title: 'here' });
    const actions = count(db, 'SELECT count(*) FROM actions');
    expect(await trash.restore(n.id)).toMatchObject({ id: n.id, title: 'here' });
    expect(count(db, 'SELECT count(*) FROM actions')).toBe(actions);
    await expect(trash.restore(uuidFor('0199a000', 404))).rejects.toMatchObject({ name: 'NotFoundError' });
    await service.deleteNote(n.id);
    await trash.purge(n.id);
    await expect(trash.restore(n.id)).rejects.toMatchObject({ name: 'NotFoundError', message: expect.stringMatching(/for good/) });
    await expect(trash.restore('nope')).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(trash.restore(n.id, { actionId: 'x' })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('a retried restore (same action id) is applied once', async () => {
    const { service, trash, db } = await setup();
    const n = await service.createNote({ title: 'once' });
    await service.deleteNote(n.id);
    const actionId = uuidFor('0199d000', 1);
    await trash.restore(n.id, { actionId });
    await trash.restore(n.id, { actionId });
    expect(count(db, `SELECT count(*) FROM actions WHERE type = 'restore'`)).toBe(1);
  });

  it('restore wins over a delete from another device, even one stamped by a clock far ahead', async () => {
    const { service, trash } = await setup();
    const n = await service.createNote({ title: 'shared' });
    // Another device, its clock ten days ahead, deleted it.
    await service.applyRemote([remoteFor(n.id, 'delete', 1_750_900_000_000, n.stamps)]);
    expect((await trash.list()).map((t) => t.id)).toEqual([n.id]);
    await trash.restore(n.id);
    expect((await service.getNote(n.id))?.title).toBe('shared');
    // A delete made later than the restore (it saw the restore) still wins: back in the Trash.
    await service.applyRemote([remoteFor(n.id, 'delete', 1_751_000_000_000)]);
    expect(await service.getNote(n.id)).toBeNull();
    expect((await trash.list()).map((t) => t.id)).toEqual([n.id]);
  });

  it('delete and restore give the same state on a device that receives them in either order', async () => {
    const { service, trash } = await setup();
    const n = await service.createNote({ title: 'travels' });
    await service.deleteNote(n.id);
    await trash.restore(n.id);
    const store = await service.store();
    const log = store.db.selectValues('SELECT id FROM actions ORDER BY local_seq').map((id) => findAction(store.db, String(id))!.action);
    for (const order of [log, [log[0]!, log[2]!, log[1]!]]) {
      const other = await openStore();
      order.forEach((a, i) => other.applyRemote([{ ...a, seq: i + 1 }]));
      expect(other.entity('notes', n.id)).toEqual(store.entity('notes', n.id));
    }
  });

  it('removes a note for good: no text kept, not searchable, a purge action to sync', async () => {
    const { service, trash, db } = await setup();
    const n = await service.createNote({ title: 'secret plan', body: 'the details' });
    await expect(trash.purge(n.id)).rejects.toMatchObject({ name: 'NotFoundError', message: 'This note is not in the Trash.' });
    await service.deleteNote(n.id);
    await trash.purge(n.id);
    expect(lastAction(db)).toMatchObject({ type: 'purge', payload: '{}', status: 'pending' });
    expect(await trash.list()).toEqual([]);
    expect(await service.searchNotes('secret')).toEqual([]);
    expect(db.selectObject('SELECT title, body FROM notes WHERE id = ?', [n.id])).toEqual({ title: null, body: null });
    await expect(trash.purge(n.id)).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('empties the Trash in one go and leaves other notes alone', async () => {
    const { service, trash, db } = await setup();
    const keep = await service.createNote({ title: 'keep' });
    const gone = await Promise.all([1, 2, 3].map((i) => service.createNote({ title: `gone ${i}` })));
    for (const g of gone) await service.deleteNote(g.id);
    const actions = count(db, 'SELECT count(*) FROM actions');
    expect(await trash.empty()).toEqual({ purged: 3 });
    expect(count(db, `SELECT count(*) FROM actions`)).toBe(actions + 3);
    expect(await trash.list()).toEqual([]);
    expect((await service.listNotes()).map((n) => n.id)).toEqual([keep.id]);
    expect(await trash.empty()).toEqual({ purged: 0 });
    expect(count(db, `SELECT count(*) FROM actions`)).toBe(actions + 3);
  });

  it('tells subscribers after restore, purge and emptying', async () => {
    const { service, trash } = await setup();
    const events: ChangeEvent[] = [];
    await service.subscribe((e) => events.push(e));
    const localWrites = vi.fn();
    service.onLocalWrite(localWrites);
    const n = await service.createNote({ title: 'x' });
    const m = await service.createNote({ title: 'y' });
    await service.deleteNote(n.id);
    await service.deleteNote(m.id);
    events.length = 0;
    localWrites.mockClear();
    await trash.restore(n.id);
    await service.deleteNote(n.id);
    await trash.purge(n.id);
    await trash.empty();
    expect(events.map((e) => e.entityIds)).toEqual([[n.id], [n.id], [n.id], [m.id]]);
    expect(localWrites).toHaveBeenCalledTimes(4);
  });

  it("a restore clears the Conflicts entries of edits lost to that note's delete", async () => {
    const { service, trash } = await setup();
    const n = await service.createNote({ title: 'shared', body: '' });
    await service.updateNote(n.id, { body: 'my edit' });
    // Deleted elsewhere by a device that never saw "my edit".
    await service.applyRemote([remoteFor(n.id, 'delete', 1_750_000_100_000, n.stamps)]);
    const store = await service.store();
    expect(store.openConflicts()).toEqual([expect.objectContaining({ kind: 'deleted', field: 'body', lostValue: 'my edit' })]);
    const back = await trash.restore(n.id);
    expect(back.body).toBe('my edit');
    expect(store.openConflicts()).toEqual([]);
  });
});
