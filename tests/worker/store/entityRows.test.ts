// saveEntities and loadEntities (a pulled page's rows in one statement each) write and read exactly
// what saveEntity and loadEntity do row by row: the same values, document bytes (empty, absent,
// several in one page), waiting edits, and the same `doc` rowids for new rows, in the list's order.

import { describe, expect, it } from 'vitest';
import type { EntityState } from '../../../src/sync/merge';
import type { Db } from '../../../src/worker/db/sql';
import { chunksBySize } from '../../../src/worker/store/chunks';
import { loadEntities, loadEntity, saveEntities, saveEntity } from '../../../src/worker/store/entityRows';
import { fakeClock, idMaker, memoryDb, uuidFor } from '../helpers';
import { Store } from '../../../src/worker/store/store';

const stamp = (n: number) => `2025-06-15T00:00:00.${String(n).padStart(3, '0')}Z-0000-${uuidFor('c1000000', 1)}|${uuidFor('ac000000', n)}`;

function note(n: number, rest: Partial<EntityState> = {}): EntityState {
  return {
    collection: 'notes',
    id: uuidFor('e0000000', n),
    fields: { title: `t${n} "quoted" \\ é 😀`, body: `b${n}` },
    stamps: { title: stamp(n), body: stamp(n + 1) },
    createdStamp: stamp(n),
    deletedStamp: null,
    restoredStamp: null,
    purgedStamp: null,
    ...rest,
  };
}

const states: EntityState[] = [
  note(1, { texts: { body: { doc: new Uint8Array([1, 2, 3, 0, 255]), edited: stamp(9), waiting: [] } } }),
  note(2),
  note(3, { texts: { body: { doc: new Uint8Array(0), edited: null, waiting: [{ base: stamp(20), update: 'AAA=', stamp: stamp(21) }] } } }),
  note(4, { texts: { body: { doc: null, edited: null, waiting: [{ base: stamp(30), update: 'AQI=', stamp: stamp(31) }] } } }),
  note(5, { deletedStamp: stamp(40), texts: { body: { doc: new Uint8Array([7, 7, 7, 7, 7, 7, 7]), edited: stamp(41), waiting: [] } } }),
];

async function db(): Promise<Db> {
  const d = await memoryDb();
  Store.open(d, { now: fakeClock().now, newId: idMaker('c0ffee00') });
  return d;
}

const dump = (d: Db) => d.selectArrays('SELECT doc, id, title, title_stamp, body, body_stamp, hex(body_doc), typeof(body_doc), body_edited, body_waiting, created_stamp, deleted_stamp, changed_stamp, visible FROM notes ORDER BY doc');

describe('saveEntities and loadEntities', () => {
  it('writes what saveEntity writes, one row after another', async () => {
    const one = await db();
    const many = await db();
    // An existing row first, so the page both inserts and updates.
    saveEntity(one, 'notes', note(3));
    saveEntity(many, 'notes', note(3));
    for (const s of states) saveEntity(one, 'notes', s);
    saveEntities(many, 'notes', states);
    expect(dump(many)).toEqual(dump(one));
    for (const s of states) expect(loadEntity(many, 'notes', s.id)).toEqual(loadEntity(one, 'notes', s.id));
    expect(loadEntity(many, 'notes', states[2]!.id)?.texts?.body?.doc).toEqual(new Uint8Array(0));
    one.close();
    many.close();
  });

  it('reads a page of rows (loadEntities) as each would be read alone', async () => {
    const d = await db();
    for (const s of states) saveEntity(d, 'notes', s);
    const ids = [...states.map((s) => s.id), uuidFor('e0000000', 99)];
    const many = loadEntities(d, 'notes', ids);
    expect([...many.keys()].sort()).toEqual(states.map((s) => s.id).sort());
    for (const s of states) expect(many.get(s.id)).toEqual(loadEntity(d, 'notes', s.id));
    expect(many.get(states[0]!.id)?.fields.title).toBe(states[0]!.fields.title);
    d.close();
  });

  it('writes a page past one statement\'s budget in several, in order, the same rows', async () => {
    const long = (n: number) => note(n, { fields: { title: `t${n}`, body: 'x'.repeat(1_500_000 + n) }, texts: { body: { doc: new Uint8Array(900_000).fill(n), edited: stamp(n), waiting: [] } } });
    const big = [long(11), note(12), long(13), long(14)];
    const one = await db();
    const many = await db();
    for (const s of big) saveEntity(one, 'notes', s);
    saveEntities(many, 'notes', big);
    expect(dump(many)).toEqual(dump(one));
    one.close();
    many.close();
  });

  it('keeps an empty document empty when it is the only bytes of the page', async () => {
    const many = await db();
    saveEntities(many, 'notes', [states[1]!, states[2]!]);
    expect(loadEntity(many, 'notes', states[2]!.id)?.texts?.body?.doc).toEqual(new Uint8Array(0));
    many.close();
  });
});

describe('chunksBySize', () => {
  it('cuts in order before the item that would pass the budget, never leaving a chunk empty', () => {
    expect(chunksBySize([3, 3, 3, 9, 1, 1], (n) => n, 6)).toEqual([[3, 3], [3], [9], [1, 1]]);
    expect(chunksBySize([], (n: number) => n, 6)).toEqual([]);
  });
});
