// What reaches Conflicts once bodies merge: concurrent edits of one body never do; a concurrent
// title, an edit of a note deleted elsewhere, and edits on a base that lost to a replace still do.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { getNote } from '../../../src/worker/notes/noteQueries';
import type { Store } from '../../../src/worker/store/store';
import { fakeClock, idMaker, openStore } from '../helpers';

const NOTE = '0198b100-0000-7000-8000-0000000000aa';
let seq = 0;
const deliver = (to: Store, ...actions: Action[]) => to.applyRemote(actions.map((a) => ({ ...a, seq: ++seq })));

async function twoDevices(body = 'one\ntwo\nthree') {
  const a = await openStore({ now: fakeClock(1_750_000_000_000).now, newId: idMaker('0198b1a0') });
  const b = await openStore({ now: fakeClock(1_750_000_000_500).now, newId: idMaker('0198b1b0') });
  const created = a.applyLocal({ collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'T', body } });
  deliver(b, created.action);
  return { a, b };
}

const edit = (s: Store, from: string, to: string) => s.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', textEdits: { body: { from, to } } }).action;

describe('conflicts with text bodies', () => {
  it('concurrent edits of one body merge, and Conflicts stays empty on both devices', async () => {
    const { a, b } = await twoDevices();
    const ea = edit(a, 'one\ntwo\nthree', 'ONE\ntwo\nthree');
    const eb = edit(b, 'one\ntwo\nthree', 'one\ntwo\nthree\nfour');
    deliver(a, eb);
    deliver(b, ea);
    for (const s of [a, b]) {
      expect(getNote(s.db, NOTE)?.body).toBe('ONE\ntwo\nthree\nfour');
      expect(s.openConflicts()).toEqual([]);
    }
  });

  it('a title overwritten concurrently is still a conflict, with the lost title', async () => {
    const { a, b } = await twoDevices();
    const ta = a.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'From A' } }).action;
    const tb = b.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'From B' } }).action;
    deliver(a, tb);
    deliver(b, ta);
    const lost = [...a.openConflicts(), ...b.openConflicts()];
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ field: 'title', kind: 'overwritten', lostValue: 'From A' });
  });

  it('an edit of a note deleted on another device is kept under Conflicts', async () => {
    const { a, b } = await twoDevices();
    const del = b.applyLocal({ collection: 'notes', entityId: NOTE, type: 'delete' }).action;
    const ea = edit(a, 'one\ntwo\nthree', 'one\ntwo\nthree\nmy last line');
    deliver(a, del);
    deliver(b, ea);
    expect(a.openConflicts()).toEqual([expect.objectContaining({ field: 'body', kind: 'deleted', lostValue: 'one\ntwo\nthree\nmy last line' })]);
    expect(getNote(b.db, NOTE)).toBeNull();
  });

  it('edits on a base that lost to a replace made without seeing them are kept under Conflicts, restorable text', async () => {
    const { a, b } = await twoDevices();
    const ea = edit(a, 'one\ntwo\nthree', 'one\ntwo\nthree\nwritten on A');
    // B replaces the whole body (an older app's write, an import) without having seen A's edit.
    const rb = b.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'a new text' } }).action;
    deliver(a, rb);
    deliver(b, ea);
    for (const s of [a, b]) expect(getNote(s.db, NOTE)?.body).toBe('a new text');
    expect(a.openConflicts()).toEqual([expect.objectContaining({ field: 'body', kind: 'overwritten', lostValue: 'one\ntwo\nthree\nwritten on A' })]);
    expect(b.openConflicts()).toEqual([]);
  });
});
