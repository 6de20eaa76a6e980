import { describe, expect, it, vi } from 'vitest';
import { formatHlc } from '../../../src/sync/hlc';
import type { ChangeEvent } from '../../../src/worker/api';
import { NotesService } from '../../../src/worker/notes/notesService';
import { count, fakeClock, fillUp, idMaker, memoryDb, openService, uuidFor } from '../helpers';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

describe('NotesService (the API the page calls)', () => {
  it('lists notes newest change first, from the materialized table', async () => {
    const clock = fakeClock(1_750_000_000_000, 1000);
    const { service } = await openService({ now: clock.now });
    const a = await service.createNote({ title: 'A' });
    const b = await service.createNote({ title: 'B' });
    expect((await service.listNotes()).map((n) => n.title)).toEqual(['B', 'A']);
    await service.updateNote(a.id, { body: 'first line\nsecond' });
    const list = await service.listNotes();
    expect(list.map((n) => n.title)).toEqual(['A', 'B']);
    expect(list[0]).toMatchObject({ id: a.id, snippet: 'first line', pending: true });
    expect(list[0]!.changedAt).toBeGreaterThan(list[1]!.changedAt);
    expect(b.createdAt).toBe(b.changedAt);
  });

  it('hides deleted notes from list and get; deleting twice is harmless', async () => {
    const { service } = await openService();
    const keep = await service.createNote({ title: 'keep' });
    const gone = await service.createNote({ title: 'gone', body: 'bye' });
    await service.deleteNote(gone.id);
    await service.deleteNote(gone.id);
    expect((await service.listNotes()).map((n) => n.id)).toEqual([keep.id]);
    expect(await service.getNote(gone.id)).toBeNull();
    expect((await rejection(service.updateNote(gone.id, { title: 'back?' }))).name).toBe('NotFoundError');
  });

  it('writes only the fields given, with the base the page sent', async () => {
    const { service, db } = await openService();
    const n = await service.createNote({ title: 'T', body: 'B' });
    const updated = await service.updateNote(n.id, { body: 'B2' }, { base: { body: n.stamps.body! } });
    expect(updated).toMatchObject({ title: 'T', body: 'B2' });
    const last = db.selectObject('SELECT payload, base FROM actions ORDER BY local_seq DESC LIMIT 1');
    expect(JSON.parse(String(last?.payload))).toEqual({ body: 'B2' });
    expect(JSON.parse(String(last?.base))).toEqual({ body: n.stamps.body });
  });

  it('rejects bad input from the page with ValidationError, before touching storage', async () => {
    const { service, db } = await openService();
    const n = await service.createNote();
    const bad: Promise<unknown>[] = [
      service.getNote('not-a-uuid'),
      service.updateNote(n.id, { title: 'x'.repeat(1001) }),
      service.updateNote(n.id, { colour: 'red' } as never),
      service.updateNote(n.id, { title: 42 } as never),
      service.createNote({}, { id: '1234' }),
      service.deleteNote(n.id, { actionId: 'again' }),
      service.subscribe('not a function' as never),
    ];
    for (const p of bad) expect((await rejection(p)).name).toBe('ValidationError');
    expect(count(db, 'SELECT count(*) FROM actions')).toBe(1);
  });

  it('creates a note under an id made by the page once; a retried action id returns the same note', async () => {
    const { service, db } = await openService();
    const id = uuidFor('0199d000', 7);
    const actionId = uuidFor('0199d000', 8);
    const first = await service.createNote({ title: 'mine' }, { id, actionId });
    expect(first).toMatchObject({ id, title: 'mine', body: '' });
    expect(await service.createNote({ title: 'mine' }, { id, actionId })).toEqual(first);
    const reused = await rejection(service.createNote({ title: 'other' }, { id }));
    expect(reused.name).toBe('ValidationError');
    expect(reused.message).toMatch(/a note with this id already exists/);
    expect((await rejection(service.createNote({ title: 'x' }, { id: 'not-a-uuid' }))).message).toMatch(/options.*id.*UUID/);
    expect(count(db, 'SELECT count(*) FROM actions')).toBe(1);
    // A deleted note keeps its id: creating under it again is refused too, and writes nothing.
    await service.deleteNote(id);
    expect((await rejection(service.createNote({ title: 'again' }, { id, actionId: uuidFor('0199d000', 9) }))).message).toMatch(/a note with this id already exists/);
    expect(count(db, 'SELECT count(*) FROM actions')).toBe(2);
    expect(await service.getNote(id)).toBeNull();
  });

  it('answers writes before telling the pages and sync about them, together; a failing listener loses no write', async () => {
    const later: (() => void)[] = [];
    const { service } = await openService({ afterReply: (announce) => void later.push(announce) });
    const events: ChangeEvent[] = [];
    await service.subscribe((e) => events.push(e));
    const localWrites = vi.fn(() => {
      throw new Error('sync is gone');
    });
    service.onLocalWrite(localWrites);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const n = await service.createNote({ title: 'x' });
    await service.updateNote(n.id, { title: 'y' });
    const other = await service.createNote({ title: 'z' });
    // Every call has answered; nobody has heard of them yet, and one announcement is due for all.
    expect(events).toEqual([]);
    expect(localWrites).not.toHaveBeenCalled();
    expect(later).toHaveLength(1);
    for (const announce of later.splice(0)) announce();
    expect(events).toEqual([{ entityIds: [n.id, other.id] }]);
    expect(localWrites).toHaveBeenCalledTimes(1);
    expect(localWrites).toHaveBeenCalledWith(true);
    // The next write is announced on its own.
    await service.updateNote(other.id, { title: 'zz' });
    expect(later).toHaveLength(1);
    for (const announce of later.splice(0)) announce();
    expect(events.at(-1)).toEqual({ entityIds: [other.id] });
    expect(localWrites).toHaveBeenCalledTimes(2);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
    expect(await service.getNote(n.id)).toMatchObject({ title: 'y', pending: true });
  });

  it('says NotFoundError for a note that never existed', async () => {
    const { service } = await openService();
    const missing = uuidFor('0199d000', 1);
    expect((await rejection(service.updateNote(missing, { title: 'x' }))).name).toBe('NotFoundError');
    expect((await rejection(service.deleteNote(missing))).name).toBe('NotFoundError');
    expect(await service.getNote(missing)).toBeNull();
  });

  it('turns a full disk into StorageFullError and keeps everything as it was', async () => {
    const { service, db } = await openService();
    const n = await service.createNote({ title: 'T', body: 'short' });
    fillUp(db);
    const e = await rejection(service.updateNote(n.id, { body: 'y'.repeat(300_000) }));
    expect(e.name).toBe('StorageFullError');
    expect(e.message).toMatch(/no room/i);
    expect(await service.getNote(n.id)).toEqual(n);
    expect(count(db, 'SELECT count(*) FROM actions')).toBe(1);
  });

  it('tells every subscriber about each committed change, and stops after unsubscribe', async () => {
    const { service } = await openService();
    const events: ChangeEvent[] = [];
    const id = await service.subscribe((e) => events.push(e));
    const n = await service.createNote({ title: 'x' });
    await service.updateNote(n.id, { title: 'y' });
    await service.deleteNote(n.id);
    expect(events).toEqual([{ entityIds: [n.id] }, { entityIds: [n.id] }, { entityIds: [n.id] }]);
    await service.unsubscribe(id);
    await service.createNote();
    expect(events).toHaveLength(3);
  });

  it('publishes pulled changes too, and drops a listener whose page has gone', async () => {
    const { service } = await openService();
    const gone = vi.fn(() => Promise.reject(new Error('port closed')));
    const seen: ChangeEvent[] = [];
    await service.subscribe(gone);
    await service.subscribe((e) => seen.push(e));
    const other = uuidFor('0199e000', 1);
    const noteId = uuidFor('0199e000', 2);
    await service.applyRemote([
      { id: uuidFor('0199e000', 3), collection: 'notes', entityId: noteId, type: 'create', payload: { title: 'pulled', body: '' }, hlc: formatHlc({ ms: 1_750_000_000_000, counter: 0, node: other }), clientId: other, seq: 1 },
    ]);
    await Promise.resolve();
    expect(seen).toEqual([{ entityIds: [noteId] }]);
    expect(service.changes.size).toBe(1);
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('answers each write with the note exactly as reading it back gives, remote changes included', async () => {
    const clock = fakeClock(1_750_000_000_000, 1000);
    const { service } = await openService({ now: clock.now });
    const created = await service.createNote({ title: 'T', body: 'one two' });
    expect(created).toEqual(await service.getNote(created.id));
    const titled = await service.updateNote(created.id, { title: 'T2' }, { base: created.stamps });
    expect(titled).toEqual(await service.getNote(created.id));
    const edited = await service.updateNote(created.id, { body: 'one two three' }, { base: titled.stamps, editedFrom: { body: 'one two' } });
    expect(edited).toEqual(await service.getNote(created.id));
    // Another device's title arrives; the body edit typed meanwhile is answered with it.
    const other = uuidFor('0199f000', 1);
    await service.applyRemote([
      { id: uuidFor('0199f000', 2), collection: 'notes', entityId: created.id, type: 'update', payload: { title: 'theirs' }, hlc: formatHlc({ ms: 1_750_000_100_000, counter: 0, node: other }), clientId: other, seq: 1 },
    ]);
    const merged = await service.updateNote(created.id, { body: 'zero one two three' }, { base: edited.stamps, editedFrom: { body: 'one two three' } });
    expect(merged).toEqual(await service.getNote(created.id));
    expect(merged).toMatchObject({ title: 'theirs', body: 'zero one two three', pending: true });
    const untouched = await service.updateNote(created.id, {});
    expect(untouched).toEqual(merged);
  });

  it('keeps an edit of a note deleted on another device as a conflict, and says so', async () => {
    const { service } = await openService({ now: fakeClock(1_750_000_000_000).now });
    const n = await service.createNote({ title: 'shared', body: '' });
    const other = uuidFor('0199f000', 1);
    await service.applyRemote([
      {
        id: uuidFor('0199f000', 2),
        collection: 'notes',
        entityId: n.id,
        type: 'delete',
        payload: {},
        base: n.stamps,
        hlc: formatHlc({ ms: 1_760_000_000_000, counter: 0, node: other }),
        clientId: other,
      },
    ]);
    const e = await rejection(service.updateNote(n.id, { body: 'typed after the delete' }));
    expect(e.name).toBe('NotFoundError');
    expect(e.message).toMatch(/another device/);
    const store = await service.store();
    expect(store.openConflicts()).toEqual([expect.objectContaining({ kind: 'deleted', field: 'body', lostValue: 'typed after the delete' })]);
  });

  it('opens once; says "locked" when another tab owns the database, and can retry later', async () => {
    const db = await memoryDb();
    let locked = true;
    const service = new NotesService({
      openDatabase: async () => (locked ? { state: 'locked' } : { state: 'ready', db, storage: 'opfs' }),
      now: Date.now,
      newId: idMaker('019a0000'),
    });
    expect(await service.open()).toMatchObject({ state: 'locked' });
    expect((await rejection(service.listNotes())).name).toBe('DatabaseLockedError');
    locked = false;
    const ready = await service.open();
    expect(ready).toMatchObject({ state: 'ready', storage: 'opfs' });
    expect(ready.clientId).toMatch(/^019a0000-/);
    expect(await service.open()).toEqual(ready);
  });

  it('passes on the memory-only warning', async () => {
    const db = await memoryDb();
    const service = new NotesService({
      openDatabase: async () => ({ state: 'ready', db, storage: 'memory', warning: 'Notes will not be kept.' }),
      now: Date.now,
      newId: idMaker('019a1000'),
    });
    expect(await service.open()).toMatchObject({ state: 'ready', storage: 'memory', warning: 'Notes will not be kept.' });
  });
});
