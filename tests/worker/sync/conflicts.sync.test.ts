// Conflicts end to end between two devices through the real server (DESIGN.md section 3): the
// device whose edit lost sees it in the Conflicts list with the note's title, and restoring it
// makes the lost text win on every device, without making a new conflict on the other one.

import { afterEach, describe, expect, it } from 'vitest';
import { simWorld, type SimClient, type SimWorld } from '../syncHelpers';

let world: SimWorld;
afterEach(async () => world?.close());

async function syncAll(...clients: SimClient[]): Promise<void> {
  for (let round = 0; round < 2; round++) for (const c of clients) await c.cycle();
}

async function sharedNote(): Promise<{ a: SimClient; b: SimClient; id: string }> {
  world = await simWorld();
  const a = await world.client('A');
  const b = await world.client('B');
  const n = await a.notes.createNote({ title: 'Shopping', body: 'milk' });
  await syncAll(a, b);
  return { a, b, id: n.id };
}

describe('conflicts', () => {
  it('an edit overwritten by a concurrent one is listed, and restoring it wins everywhere', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await a.notes.updateNote(id, { body: 'milk, eggs' });
    world.server.clock.advance(1_000);
    await b.notes.updateNote(id, { body: 'milk, bread', title: 'Groceries' });
    await a.cycle();
    await b.cycle();
    await a.cycle();

    expect((await a.notes.getNote(id))?.body).toBe('milk, bread');
    const [c, ...rest] = await a.conflicts.list();
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ entityId: id, noteTitle: 'Groceries', field: 'body', kind: 'overwritten', lostValue: 'milk, eggs' });
    expect(await b.conflicts.list()).toEqual([]);

    await a.conflicts.restore(c!.id);
    expect(await a.conflicts.list()).toEqual([]);
    expect((await a.notes.getNote(id))?.body).toBe('milk, eggs');
    await syncAll(a, b);
    expect((await b.notes.getNote(id))?.body).toBe('milk, eggs');
    expect((await b.notes.getNote(id))?.title).toBe('Groceries');
    expect(await b.conflicts.list()).toEqual([]);
  });

  it('an edit of a note deleted elsewhere is listed, and restoring it brings the note back with the text', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await b.notes.deleteNote(id);
    await b.cycle();
    world.server.clock.advance(1_000);
    await a.notes.updateNote(id, { body: 'milk, eggs, butter' });
    await a.notes.updateNote(id, { title: 'Weekend shopping' });
    await a.cycle();

    expect(await a.notes.getNote(id)).toBeNull();
    const lost = await a.conflicts.list();
    expect(lost.map((c) => [c.field, c.kind, c.lostValue]).sort()).toEqual([
      ['body', 'deleted', 'milk, eggs, butter'],
      ['title', 'deleted', 'Weekend shopping'],
    ]);
    expect(lost[0]!.noteTitle).toBe('Weekend shopping');

    await a.conflicts.restore(lost.find((c) => c.field === 'body')!.id);
    // One restore brings back every field the delete took.
    expect(await a.conflicts.list()).toEqual([]);
    expect(await a.notes.getNote(id)).toMatchObject({ title: 'Weekend shopping', body: 'milk, eggs, butter' });
    await syncAll(a, b);
    expect(await b.notes.getNote(id)).toMatchObject({ title: 'Weekend shopping', body: 'milk, eggs, butter' });
  });

  it('a body edit saved after the delete arrived, restored, then sent again by the editor, is not doubled nor a new conflict', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await b.notes.deleteNote(id);
    await b.cycle();
    await a.cycle();
    world.server.clock.advance(1_000);
    // The editor's save reaches a note the pull just deleted: refused, kept under Conflicts.
    const typed = { body: 'milk, eggs' };
    await expect(a.notes.updateNote(id, typed, { editedFrom: { body: 'milk' } })).rejects.toThrow(/deleted on another device/);
    const [lost] = await a.conflicts.list();
    expect(lost).toMatchObject({ field: 'body', kind: 'deleted', lostValue: 'milk, eggs' });
    await a.conflicts.restore(lost!.id);
    // The editor still holds its failed save, typed on 'milk', and sends it again.
    expect((await a.notes.updateNote(id, typed, { editedFrom: { body: 'milk' } })).body).toBe('milk, eggs');
    await syncAll(a, b);
    for (const c of [a, b]) {
      expect((await c.notes.getNote(id))?.body).toBe('milk, eggs');
      expect(await c.conflicts.list()).toEqual([]);
    }
  });

  it('the same text lost twice to a delete (a save sent again) is answered by one Restore', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await b.notes.deleteNote(id);
    await b.cycle();
    await a.cycle();
    for (let i = 0; i < 2; i++) {
      world.server.clock.advance(1_000);
      await expect(a.notes.updateNote(id, { body: 'milk, eggs' }, { editedFrom: { body: 'milk' } })).rejects.toThrow(/deleted on another device/);
    }
    const lost = await a.conflicts.list();
    expect(lost.map((c) => c.lostValue)).toEqual(['milk, eggs', 'milk, eggs']);
    await a.conflicts.restore(lost[0]!.id);
    expect(await a.conflicts.list()).toEqual([]);
    await syncAll(a, b);
    for (const c of [a, b]) {
      expect((await c.notes.getNote(id))?.body).toBe('milk, eggs');
      expect(await c.conflicts.list()).toEqual([]);
    }
  });

  it('a delete that missed another device\'s edit is that device\'s loss, not the note\'s creator\'s (found by the model test, seed -1442789256)', async () => {
    const { a, b, id } = await sharedNote();
    const c = await world.client('C');
    await c.cycle();
    world.server.clock.advance(1_000);
    await b.notes.updateNote(id, { body: 'milk, eggs' }, { editedFrom: { body: 'milk' } });
    await b.cycle();
    world.server.clock.advance(1_000);
    await c.notes.deleteNote(id); // C never saw B's edit
    await c.cycle();
    await a.cycle();
    await b.cycle();
    // A wrote the body's first text, which C saw: A lost nothing, so A has nothing to restore
    // (a Restore there would replace B's text and make B's later typing a conflict).
    expect(await a.conflicts.list()).toEqual([]);
    expect((await b.conflicts.list()).map((x) => [x.field, x.kind, x.lostValue])).toEqual([['body', 'deleted', 'milk, eggs']]);
  });

  it('restoring a body lost to a delete keeps what the deleting device typed before it (model test, seed -1149229636)', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await a.notes.updateNote(id, { body: 'milk, eggs' }, { editedFrom: { body: 'milk' } });
    await a.notes.deleteNote(id);
    await a.cycle();
    world.server.clock.advance(1_000);
    await b.notes.updateNote(id, { title: 'Shopping list' });
    await b.notes.updateNote(id, { body: 'bread, milk' }, { editedFrom: { body: 'milk' } });
    await b.cycle({ pushChunk: 1, pullLimit: 1 });
    await b.cycle({ pushChunk: 1, pullLimit: 1 });
    const lost = await b.conflicts.list();
    expect(lost.map((x) => [x.field, x.kind])).toEqual([['title', 'deleted'], ['body', 'deleted']]);
    // Restoring the title brings the note back with every field the delete took.
    await b.conflicts.restore(lost[0]!.id);
    await syncAll(a, b);
    for (const c of [a, b]) {
      expect(await c.notes.getNote(id)).toMatchObject({ title: 'Shopping list', body: 'bread, milk, eggs' });
      expect(await c.conflicts.list()).toEqual([]);
    }
  });

  it('dismissing removes the entry and writes nothing', async () => {
    const { a, b, id } = await sharedNote();
    world.server.clock.advance(1_000);
    await a.notes.updateNote(id, { title: 'mine' });
    world.server.clock.advance(1_000);
    await b.notes.updateNote(id, { title: 'theirs' });
    await b.cycle();
    await a.cycle();
    const [c] = await a.conflicts.list();
    const pending = a.store.pendingActions(10).length;
    const events: (readonly string[])[] = [];
    await a.notes.subscribe((e) => events.push(e.entityIds));
    await a.conflicts.dismiss(c!.id);
    // Every tab re-lists its Conflicts on a change event: dismissing must announce one.
    expect(events).toEqual([[id]]);
    await a.conflicts.dismiss(c!.id);
    expect(await a.conflicts.list()).toEqual([]);
    expect(a.store.pendingActions(10)).toHaveLength(pending);
    await expect(a.conflicts.restore(999)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(a.conflicts.dismiss(-1)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
