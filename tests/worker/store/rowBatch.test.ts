// saveEntities (rowBatch.ts) writes the same rows saveEntity does, one statement for many: new rows
// and existing ones, text documents, waiting edits and tombstones, and the search index follows.

import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../src/sync/merge';
import { loadAllEntities, saveEntity } from '../../../src/worker/store/entityRows';
import { saveEntities } from '../../../src/worker/store/rowBatch';
import { searchNotes } from '../../../src/worker/notes/search';
import { canonical, openStore } from '../helpers';

function note(i: number, over: Partial<EntityState> = {}): EntityState {
  return {
    collection: 'notes',
    id: `0000000${i}-0000-7000-8000-000000000000`,
    fields: { title: `Title ${i}`, body: `body words ${i} zebra${i}` },
    stamps: { title: `t${i}`, body: `b${i}` },
    createdStamp: `c${i}`,
    deletedStamp: null,
    restoredStamp: null,
    purgedStamp: null,
    ...over,
  };
}

const states: EntityState[] = [
  note(1),
  note(2, { texts: { body: { doc: new Uint8Array([0, 1, 2, 254, 255]), edited: 'e2', waiting: [{ base: 'x', update: 'AAE=', stamp: 'w2' }] } } }),
  note(3, { deletedStamp: 'd3' }),
  note(4, { fields: { title: 'Only a title' }, stamps: { title: 't4' } }),
  // What JSON carries differently from a bound string: NUL, lone surrogates, line separators.
  note(5, { fields: { title: 'a\u0000b \u2028 é😀', body: 'x\ud800y \udfff z\ud83d\ude00' } }),
];

describe('saveEntities', () => {
  it('stores rows that read back as saveEntity stores them, over existing rows too', async () => {
    const one = await openStore();
    const many = await openStore();
    for (const s of states) saveEntity(one.db, 'notes', s);
    saveEntity(many.db, 'notes', note(1, { fields: { title: 'old', body: 'old' } }));
    saveEntities(many.db, 'notes', states);
    expect(canonical(loadAllEntities(many.db, 'notes'))).toBe(canonical(loadAllEntities(one.db, 'notes')));
    expect(loadAllEntities(many.db, 'notes')[1]?.texts?.body?.doc).toEqual(new Uint8Array([0, 1, 2, 254, 255]));
  });

  it('keeps the search index in step: new words found, replaced ones gone', async () => {
    const store = await openStore();
    saveEntities(store.db, 'notes', [note(1, { fields: { title: 'T', body: 'walrus' } })]);
    saveEntities(store.db, 'notes', [note(1), note(2)]);
    expect(searchNotes(store.db, 'walrus')).toHaveLength(0);
    expect(searchNotes(store.db, 'zebra2').map((h) => h.id)).toEqual([note(2).id]);
  });
});
