// Search (issue 7): the FTS5 index stays the mirror of the notes table through every write path,
// queries are escaped, results are ranked and carry plain-text highlight ranges.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction } from '../../../src/sync/merge';
import type { NoteSearchHit } from '../../../src/worker/api';
import { insertLegacyAction, insertLegacyNote } from '../db/legacyRows';
import { migrate, migrations, schemaVersion } from '../../../src/worker/db/migrations';
import { rebuildFromLog } from '../../../src/worker/store/replay';
import { restampPending } from '../../../src/worker/store/restamp';
import { ftsQuery, searchNotes, searchTerms } from '../../../src/worker/notes/search';
import { indexBehind, indexQueuedNotes } from '../../../src/worker/notes/searchIndex';
import type { Db } from '../../../src/worker/db/sql';
import { inTransaction } from '../../../src/worker/db/sql';
import { Store } from '../../../src/worker/store/store';
import { TrashService } from '../../../src/worker/notes/trash';
import { count, fakeClock, idMaker, memoryDb, openService, openStore, uuidFor } from '../helpers';

/**
 * Once the queued rows are indexed (what every search does first), FTS5 re-tokenizes every row of
 * notes and compares with the index: throws unless they agree.
 */
function expectIndexMirrorsNotes(db: Db): void {
  indexQueuedNotes(db);
  expect(indexBehind(db)).toBe(false);
  expect(() => db.exec(`INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
}

/** The visible notes whose text holds `word` (the answer search must give), and what search gives. */
function expectSearchAgrees(db: Db, words: readonly string[]): void {
  for (const word of words) {
    const expected = db
      .selectValues(`SELECT id FROM notes WHERE visible = 1 AND (instr(lower(title), ?) > 0 OR instr(lower(body), ?) > 0) ORDER BY id`, [word, word])
      .map(String);
    expect(
      searchNotes(db, word)
        .map((h) => h.id)
        .sort(),
      `search for ${word}`,
    ).toEqual(expected);
  }
}

function marked(s: string, ranges: NoteSearchHit['titleRanges']): string {
  let out = '';
  let at = 0;
  for (const r of ranges) {
    out += `${s.slice(at, r.start)}[${s.slice(r.start, r.end)}]`;
    at = r.end;
  }
  return out + s.slice(at);
}

const OTHER = uuidFor('0199b000', 99);
let nextRemote = 0;
function remote(entityId: string, type: Action['type'], ms: number, payload: Record<string, string> = {}): Action & { seq: number } {
  nextRemote++;
  return {
    id: uuidFor('0199c000', nextRemote),
    collection: 'notes',
    entityId,
    type,
    payload,
    hlc: formatHlc({ ms, counter: 0, node: OTHER }),
    clientId: OTHER,
    seq: nextRemote,
  };
}

describe('the search index follows the notes table', () => {
  it('through create, update, delete, restore and purge made on this device', async () => {
    const { service, db } = await openService();
    const trash = new TrashService(service);
    const words = ['apple', 'banana', 'cherry', 'damson', 'elder'];

    const a = await service.createNote({ title: 'apple pie', body: 'with banana' });
    const b = await service.createNote({ title: 'cherry', body: 'damson jam' });
    expectIndexMirrorsNotes(db);
    expectSearchAgrees(db, words);

    await service.updateNote(a.id, { body: 'with elder' });
    expectIndexMirrorsNotes(db);
    expectSearchAgrees(db, words);
    expect(await service.searchNotes('banana')).toEqual([]);

    await service.deleteNote(b.id);
    expectIndexMirrorsNotes(db);
    expect(await service.searchNotes('cherry')).toEqual([]);

    await trash.restore(b.id);
    expectIndexMirrorsNotes(db);
    expect((await service.searchNotes('cherry')).map((h) => h.id)).toEqual([b.id]);

    await service.deleteNote(b.id);
    await trash.purge(b.id);
    expectIndexMirrorsNotes(db);
    expectSearchAgrees(db, words);
    // Purge drops the text from the index too, not only from the list.
    expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'damson'`)).toBe(0);
  });

  it('through a batch of remote actions applied in one transaction', async () => {
    const store = await openStore();
    const [n1, n2, n3, n4] = [1, 2, 3, 4].map((i) => uuidFor('0199a000', i));
    const t = 1_750_000_000_000;
    store.applyLocal({ collection: 'notes', entityId: n4!, type: 'create', payload: { title: 'local walnut', body: '' } });
    store.applyRemote([
      remote(n1!, 'create', t, { title: 'remote fig', body: 'grape' }),
      remote(n2!, 'create', t, { title: 'remote hazel', body: '' }),
      remote(n3!, 'update', t + 5, { body: 'early kiwi' }), // before its create: kept, not visible
      remote(n1!, 'update', t + 10, { body: 'lemon' }),
      remote(n2!, 'delete', t + 11),
      remote(n4!, 'delete', t + 12),
      remote(n4!, 'purge', t + 13),
    ]);
    expectIndexMirrorsNotes(store.db);
    expectSearchAgrees(store.db, ['fig', 'grape', 'hazel', 'kiwi', 'lemon', 'walnut']);
    expect(searchNotes(store.db, 'lemon').map((h) => h.id)).toEqual([n1]);
    expect(searchNotes(store.db, 'kiwi')).toEqual([]);

    store.applyRemote([remote(n3!, 'create', t + 1, { title: 'now mango', body: '' }), remote(n2!, 'restore', t + 20)]);
    expectIndexMirrorsNotes(store.db);
    expectSearchAgrees(store.db, ['hazel', 'kiwi', 'mango']);
    expect(searchNotes(store.db, 'kiwi').map((h) => h.id)).toEqual([n3]);
  });

  it('through re-stamping (rows re-derived from the log) and a rebuild from the log', async () => {
    const clock = fakeClock(1_750_000_000_000 + 60 * 60_000);
    const store = await openStore({ now: clock.now });
    const id = uuidFor('0199a000', 1);
    store.applyLocal({ collection: 'notes', entityId: id, type: 'create', payload: { title: 'quince', body: '' } });
    store.applyLocal({ collection: 'notes', entityId: id, type: 'update', payload: { body: 'rhubarb' } });
    expect(restampPending(store, 1_750_000_000_000).restamped).toBe(2);
    expectIndexMirrorsNotes(store.db);
    expectSearchAgrees(store.db, ['quince', 'rhubarb']);

    rebuildFromLog(store.db);
    expectIndexMirrorsNotes(store.db);
    expectSearchAgrees(store.db, ['quince', 'rhubarb']);
  });

  it('is rolled back with the write it belongs to', async () => {
    const store = await openStore();
    const id = uuidFor('0199a000', 1);
    expect(() =>
      inTransaction(store.db, () => {
        store.applyLocal({ collection: 'notes', entityId: id, type: 'create', payload: { title: 'sloe', body: '' } });
        throw new Error('the rest of the write failed');
      }),
    ).toThrow();
    expectIndexMirrorsNotes(store.db);
    expect(searchNotes(store.db, 'sloe')).toEqual([]);
  });

  it('is built by the migration for a database made by the previous version', async () => {
    const db = await memoryDb();
    migrate(db, migrations.slice(0, 2));
    expect(schemaVersion(db)).toBe(2);
    // Notes as the v2 app materialized them (with their actions in the log).
    const clientId = uuidFor('0198a000', 1);
    const ids = [2, 3, 4].map((i) => uuidFor('0198a000', i));
    const texts = [
      { title: 'Café notes', body: 'tasting' },
      { title: 'Garden', body: 'tomatoes and beans' },
      { title: 'Deleted one', body: 'tomatoes too' },
    ];
    ids.forEach((id, i) => {
      const create: Action = {
        id: uuidFor('0198b000', i),
        collection: 'notes',
        entityId: id,
        type: 'create',
        payload: texts[i]!,
        hlc: formatHlc({ ms: 1_750_000_000_000 + i, counter: 0, node: clientId }),
        clientId,
      };
      insertLegacyAction(db, create, 'acked');
      let state = mergeAction(undefined, create).state;
      if (i === 2) {
        const del: Action = { ...create, id: uuidFor('0198c000', i), type: 'delete', payload: {}, hlc: formatHlc({ ms: 1_750_000_000_100, counter: 0, node: clientId }) };
        insertLegacyAction(db, del, 'acked');
        state = mergeAction(state, del).state;
      }
      insertLegacyNote(db, state);
    });

    const store = Store.open(db, { now: fakeClock().now, newId: idMaker('0198d000') });
    expect(schemaVersion(db)).toBe(migrations.length);
    expectIndexMirrorsNotes(db);
    expect(searchNotes(db, 'cafe').map((h) => h.title)).toEqual(['Café notes']);
    expect(searchNotes(db, 'tomato').map((h) => h.id)).toEqual([ids[1]]);
    // The rebuilt table keeps working with the incremental path.
    store.applyLocal({ collection: 'notes', entityId: ids[1]!, type: 'update', payload: { body: 'peppers' } });
    expectIndexMirrorsNotes(db);
    expect(searchNotes(db, 'tomato')).toEqual([]);
    expect(searchNotes(db, 'pepper').map((h) => h.id)).toEqual([ids[1]]);
  });
});

describe('search queries', () => {
  it('match every term as a prefix, case and diacritics folded', async () => {
    const { service } = await openService();
    const cafe = await service.createNote({ title: 'Café Müller', body: 'crème brûlée recipe' });
    await service.createNote({ title: 'Cafeteria menu', body: 'soup' });
    expect((await service.searchNotes('cafe')).length).toBe(2);
    expect((await service.searchNotes('CAFÉ müll')).map((h) => h.id)).toEqual([cafe.id]);
    expect((await service.searchNotes('creme brulee')).map((h) => h.id)).toEqual([cafe.id]);
    expect((await service.searchNotes('mull recipe')).map((h) => h.id)).toEqual([cafe.id]);
    expect(await service.searchNotes('cafe soupe')).toEqual([]);
  });

  it('treat quotes, operators and brackets as plain text, never as FTS5 syntax', async () => {
    const { service } = await openService();
    const n = await service.createNote({ title: 'Near and far', body: 'or not (really) "quoted" C++ 50% a*b col:umn ^start -minus' });
    const hostile = [
      '"',
      '""',
      '"unbalanced',
      'near AND',
      'AND',
      'OR OR',
      'NOT',
      'NEAR(near far)',
      'near*',
      '*',
      '(',
      ')',
      '(really',
      'title:near',
      'col:umn',
      '^start',
      '-minus',
      'c++',
      '50%',
      "'; DROP TABLE notes; --",
      '\u0000',
      '\u0002near\u0003',
      'a*b',
      '{title}: near',
    ];
    for (const q of hostile) await expect(service.searchNotes(q), q).resolves.toBeInstanceOf(Array);
    // Operator words are searched as words.
    expect((await service.searchNotes('near AND')).map((h) => h.id)).toEqual([n.id]);
    expect((await service.searchNotes('OR NOT')).map((h) => h.id)).toEqual([n.id]);
    expect((await service.searchNotes('NEAR(near far)')).map((h) => h.id)).toEqual([n.id]);
    expect((await service.searchNotes('"quoted"')).map((h) => h.id)).toEqual([n.id]);
    expect((await service.searchNotes('(really)')).map((h) => h.id)).toEqual([n.id]);
    expect((await service.searchNotes('col:umn')).map((h) => h.id)).toEqual([n.id]);
    // A query with nothing to search for matches nothing.
    for (const q of ['', '   ', '*', '"', '()', '-', '\u0301']) expect(await service.searchNotes(q), JSON.stringify(q)).toEqual([]);
    expect(count((await service.store()).db, 'SELECT count(*) FROM notes')).toBe(1);
  });

  it('turn into quoted prefix terms only', () => {
    expect(ftsQuery('foo "bar" OR baz*')).toBe('"foo"* "bar"* "OR"* "baz"*');
    expect(ftsQuery('(near)')).toBe('"near"*');
    expect(ftsQuery('!!!')).toBeUndefined();
    expect(searchTerms('日本語 テキスト 😀 e\u0301te')).toEqual(['日本語', 'テキスト', 'éte']);
    expect(searchTerms(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
  });

  it('find text in any script, and decomposed accents', async () => {
    const { service } = await openService();
    const ja = await service.createNote({ title: '日本語のメモ', body: '' });
    const ru = await service.createNote({ title: 'Привет мир', body: '' });
    const el = await service.createNote({ title: 'e\u0301te\u0301', body: '' });
    expect((await service.searchNotes('日本')).map((h) => h.id)).toEqual([ja.id]);
    expect((await service.searchNotes('привет')).map((h) => h.id)).toEqual([ru.id]);
    expect((await service.searchNotes('ete')).map((h) => h.id)).toEqual([el.id]);
    expect((await service.searchNotes('été')).map((h) => h.id)).toEqual([el.id]);
  });

  it('rank title matches above body matches, and return only visible notes', async () => {
    const { service } = await openService();
    const inBody = await service.createNote({ title: 'Groceries', body: 'buy a plum and more plum things' });
    const inTitle = await service.createNote({ title: 'Plum tree', body: 'pruning in winter' });
    const deleted = await service.createNote({ title: 'plum', body: 'plum' });
    await service.deleteNote(deleted.id);
    expect((await service.searchNotes('plum')).map((h) => h.id)).toEqual([inTitle.id, inBody.id]);
  });

  it('return plain text with ranges that mark the matched words, never HTML', async () => {
    const { service } = await openService();
    await service.createNote({
      title: '<b>Café</b> & café',
      body: 'first line\nThe <script>alert(1)</script> says: order a café au lait, then another CAFE.',
    });
    const [hit] = await service.searchNotes('cafe');
    expect(hit!.title).toBe('<b>Café</b> & café');
    expect(marked(hit!.title, hit!.titleRanges)).toBe('<b>[Café]</b> & [café]');
    expect(hit!.snippet).not.toContain('\n');
    expect(marked(hit!.snippet, hit!.snippetRanges)).toContain('order a [café] au lait, then another [CAFE]');
    for (const r of [...hit!.titleRanges, ...hit!.snippetRanges]) expect(r.end).toBeGreaterThan(r.start);
  });

  it('keep ranges in UTF-16 units past astral characters', async () => {
    const { service } = await openService();
    await service.createNote({ title: '😀 tea 😀 teapot', body: '𝒳 body tea' });
    const [hit] = await service.searchNotes('tea');
    expect(marked(hit!.title, hit!.titleRanges)).toBe('😀 [tea] 😀 [teapot]');
    expect(marked(hit!.snippet, hit!.snippetRanges)).toBe('𝒳 body [tea]');
  });

  it("use the list's first line when only the title matched", async () => {
    const { service } = await openService();
    await service.createNote({ title: 'Walnut', body: '\n  first line  \nsecond' });
    const [hit] = await service.searchNotes('walnut');
    expect(hit).toMatchObject({ snippet: 'first line', snippetRanges: [] });
  });

  it('show a note containing the marker characters without highlights rather than wrong ones', async () => {
    const { service } = await openService();
    await service.createNote({ title: 'odd \u0002 title olive', body: 'odd \u0003 body olive' });
    const [hit] = await service.searchNotes('olive');
    expect(hit).toMatchObject({ title: 'odd \u0002 title olive', titleRanges: [], snippetRanges: [] });
    expect(hit!.snippet).toContain('olive');
  });

  it('validate their arguments and honour the limit', async () => {
    const { service } = await openService();
    for (let i = 0; i < 5; i++) await service.createNote({ title: `pear ${i}` });
    expect(await service.searchNotes('pear', { limit: 2 })).toHaveLength(2);
    await expect(service.searchNotes(42 as never)).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(service.searchNotes('x'.repeat(1001))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(service.searchNotes('pear', { limit: 0 })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(service.searchNotes('pear', { sort: 'x' } as never)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
