// Deferred full-text indexing (migration v5, searchIndex.ts): a write touches no FTS5 page, yet a
// search never misses a saved note nor finds a deleted one, across restarts, doc reuse and upgrades.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeAction } from '../../../src/sync/merge';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { migrate, migrations, schemaVersion } from '../../../src/worker/db/migrations';
import type { Db } from '../../../src/worker/db/sql';
import { listNotes } from '../../../src/worker/notes/noteQueries';
import { NotesService } from '../../../src/worker/notes/notesService';
import { searchNotes } from '../../../src/worker/notes/search';
import { holdIndexing, INDEX_DELAY_MS, indexBehind, indexQueuedNotes, MAX_QUIET_WINDOWS } from '../../../src/worker/notes/searchIndex';
import { appendAction, listPendingActions } from '../../../src/worker/store/actionLog';
import { saveEntity } from '../../../src/worker/store/entityRows';
import { Store } from '../../../src/worker/store/store';
import { manualTimers } from '../../sync/manualTimers';
import { count, fakeClock, fillUp, idMaker, memoryDb, openService, uuidFor } from '../helpers';

function ftsPages(db: Db): number {
  return count(db, 'SELECT count(*) FROM notes_fts_data') + count(db, 'SELECT count(*) FROM notes_fts_docsize');
}

function expectIndexMirrorsNotes(db: Db): void {
  indexQueuedNotes(db);
  expect(indexBehind(db)).toBe(false);
  expect(() => db.exec(`INSERT INTO notes_fts (notes_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow();
}

function serviceOver(db: Db, timers?: ReturnType<typeof manualTimers>): NotesService {
  return new NotesService({
    openDatabase: async () => ({ state: 'ready', db, storage: 'memory' }),
    now: fakeClock().now,
    newId: idMaker('5e5e5e5e'),
    ...(timers ? { timers } : {}),
  });
}

describe('deferred search indexing', () => {
  it('a write leaves the index alone, and a search right after it finds the note', async () => {
    const { service, db } = await openService();
    const before = ftsPages(db);
    const note = await service.createNote({ title: 'Quokka', body: 'seen on Rottnest' });
    expect(ftsPages(db)).toBe(before);
    expect(indexBehind(db)).toBe(true);
    expect((await service.searchNotes('rottnest')).map((h) => h.id)).toEqual([note.id]);

    await service.updateNote(note.id, { body: 'seen on Rottnest island' }, { editedFrom: { body: 'seen on Rottnest' } });
    await service.updateNote(note.id, { title: 'Wallaby' });
    expect((await service.searchNotes('island')).map((h) => h.id)).toEqual([note.id]);
    expect(await service.searchNotes('quokka')).toEqual([]);

    await service.deleteNote(note.id);
    expect(await service.searchNotes('wallaby')).toEqual([]);
    expectIndexMirrorsNotes(db);
  });

  it('on a full disk, where the index cannot catch up, a search still finds what was saved and not what was deleted', async () => {
    const { service, db } = await openService();
    const old = await service.createNote({ title: 'Ledger', body: 'quarterly figures' });
    const gone = await service.createNote({ title: 'Draft', body: 'quarterly plan' });
    expect(await service.searchNotes('quarterly')).toHaveLength(2); // indexed
    const fresh = await service.createNote({ title: 'Quarterly review', body: 'new this week' });
    await service.updateNote(old.id, { body: 'yearly figures' });
    await service.deleteNote(gone.id);
    // Enough new text that indexing it needs pages the file no longer has.
    for (let i = 0; i < 40; i++) await service.createNote({ title: `Filler ${i}`, body: `word${i} `.repeat(300) });
    fillUp(db);
    expect(() => indexQueuedNotes(db)).toThrow();

    expect((await service.searchNotes('quarterly')).map((h) => h.id)).toEqual([fresh.id]);
    const hit = (await service.searchNotes('yearly'))[0];
    expect(hit?.id).toBe(old.id);
    expect(hit?.snippetRanges).toEqual([{ start: 0, end: 6 }]);
    expect(await service.searchNotes('figures')).toHaveLength(1);
    expect(indexBehind(db)).toBe(true);

    db.exec('PRAGMA max_page_count = 1073741823');
    expect((await service.searchNotes('quarterly')).map((h) => h.id)).toEqual([fresh.id]);
    expectIndexMirrorsNotes(db);
  });

  it('a queue left by a closed app is indexed after a restart, before the first search', async () => {
    const db = await memoryDb();
    const first = serviceOver(db);
    const kept = await first.createNote({ title: 'Marmalade', body: 'seville oranges' });
    const gone = await first.createNote({ title: 'Chutney', body: 'green tomato' });
    expect(await first.searchNotes('seville')).toHaveLength(1); // indexed, then changed below
    await first.updateNote(kept.id, { body: 'blood oranges' });
    await first.deleteNote(gone.id);
    expect(indexBehind(db)).toBe(true);

    const second = serviceOver(db);
    expect((await second.searchNotes('blood')).map((h) => h.id)).toEqual([kept.id]);
    expect(await second.searchNotes('seville')).toEqual([]);
    expect(await second.searchNotes('chutney')).toEqual([]);
    expectIndexMirrorsNotes(db);
  });

  it('with timers, catches up shortly after writes without a search', async () => {
    const db = await memoryDb();
    const timers = manualTimers();
    const service = serviceOver(db, timers);
    await service.open();
    for (let i = 0; i < 3; i++) await service.createNote({ title: `Batch ${i}`, body: 'burst' });
    expect(timers.pending()).toEqual([INDEX_DELAY_MS]); // one batch for the burst
    expect(indexBehind(db)).toBe(true);
    timers.advance(INDEX_DELAY_MS);
    expect(indexBehind(db)).toBe(false);
    expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'burst'`)).toBe(3);
  });

  it('while pulled pages keep coming, the batch waits for the last one, or for a pull that stopped', async () => {
    const db = await memoryDb();
    const timers = manualTimers();
    const service = serviceOver(db, timers);
    await service.open();
    holdIndexing(db, true);
    await service.createNote({ title: 'Pulled', body: 'held back' });
    for (let page = 0; page < MAX_QUIET_WINDOWS * 3; page++) {
      timers.advance(INDEX_DELAY_MS);
      holdIndexing(db, true); // another page, more to come
    }
    expect(indexBehind(db)).toBe(true);
    holdIndexing(db, false); // the last page
    timers.advance(INDEX_DELAY_MS);
    expect(indexBehind(db)).toBe(false);

    // A pull that stopped halfway (no last page to release it) holds the index back for a while only.
    holdIndexing(db, true);
    await service.createNote({ title: 'Stopped', body: 'halfway' });
    timers.advance(INDEX_DELAY_MS * MAX_QUIET_WINDOWS);
    expect(indexBehind(db)).toBe(true);
    timers.advance(INDEX_DELAY_MS);
    expect(indexBehind(db)).toBe(false);
    // A search meanwhile never waits for it.
    await service.createNote({ title: 'Searched', body: 'straightaway' });
    expect((await service.searchNotes('straightaway')).length).toBe(1);
    holdIndexing(db, false);
  });

  it('a restart with a queue schedules its batch', async () => {
    const db = await memoryDb();
    await serviceOver(db).createNote({ title: 'Left', body: 'behind' });
    const timers = manualTimers();
    await serviceOver(db, timers).open();
    timers.advance(INDEX_DELAY_MS);
    expect(indexBehind(db)).toBe(false);
    expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'behind'`)).toBe(1);
  });

  it('indexes a row given a doc freed below the index top (deleted rows around a batch)', async () => {
    const db = await memoryDb();
    migrate(db);
    const insert = (i: number, word: string) =>
      db.exec({ sql: `INSERT INTO notes (id, title, body, changed_stamp, visible) VALUES (?, ?, '', '', 1)`, bind: [uuidFor('0199e000', i), word] });
    insert(1, 'apple');
    indexQueuedNotes(db);
    insert(2, 'birch');
    insert(3, 'cedar');
    db.exec('DELETE FROM notes WHERE doc = 2'); // never indexed
    indexQueuedNotes(db); // the index's top is now doc 3
    db.exec('DELETE FROM notes WHERE doc = 3');
    insert(4, 'damson'); // given doc 2: below the index's top, never indexed
    expect(db.selectValue(`SELECT doc FROM notes WHERE title = 'damson'`)).toBe(2);
    expectIndexMirrorsNotes(db);
    expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'damson'`)).toBe(1);
    expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'cedar'`)).toBe(0);
  });

  // Whatever any statement does to notes (the triggers are the contract, not the store), and
  // whenever batches run: after one, the index is exactly the notes. Deleting the top rows makes
  // SQLite give their docs to new rows, on either side of a batch.
  it('mirrors any sequence of inserts, text changes, deletes and batches', async () => {
    const words = ['apple', 'birch', 'cedar', 'damson'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), title: fc.constantFrom(...words), body: fc.constantFrom(...words) }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), body: fc.constantFrom(...words, null) }),
      // Mostly near the top, where docs are given again.
      fc.record({ kind: fc.constant('delete' as const), fromTop: fc.oneof(fc.nat(2), fc.nat()) }),
      fc.record({ kind: fc.constant('batch' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const db = await memoryDb();
        migrate(db);
        let n = 0;
        const docs = () => db.selectValues('SELECT doc FROM notes ORDER BY doc').map(Number);
        for (const o of ops) {
          if (o.kind === 'insert') {
            db.exec({
              sql: `INSERT INTO notes (id, title, body, changed_stamp, visible) VALUES (?, ?, ?, '', 1)`,
              bind: [uuidFor('0199f000', n++), o.title, o.body],
            });
          } else if (o.kind === 'update') {
            const all = docs();
            if (all.length > 0) db.exec({ sql: 'UPDATE notes SET body = ? WHERE doc = ?', bind: [o.body, all[o.pick % all.length]!] });
          } else if (o.kind === 'delete') {
            const all = docs();
            if (all.length > 0) db.exec({ sql: 'DELETE FROM notes WHERE doc = ?', bind: [all[all.length - 1 - (o.fromTop % all.length)]!] });
          } else {
            indexQueuedNotes(db);
          }
        }
        expectIndexMirrorsNotes(db);
        for (const w of words) {
          const expected = count(db, `SELECT count(*) FROM notes WHERE title = ? OR body = ?`, [w, w]);
          expect(count(db, `SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?`, [w])).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('migration v5', () => {
  it('opens a v4 database as the previous app wrote it, keeping every note, pending action and search result', async () => {
    const db = await memoryDb();
    migrate(db, migrations.slice(0, 4));
    expect(schemaVersion(db)).toBe(4);
    // Written by this code's log and row writers on the v4 schema, whose triggers index as they go.
    const clientId = uuidFor('0198a000', 1);
    db.exec({ sql: `INSERT INTO meta (key, value) VALUES ('client_id', ?), ('hlc', ?)`, bind: [clientId, formatHlc({ ms: 1_750_000_000_100, counter: 0, node: clientId })] });
    const notes = [
      { title: 'Café notes', body: 'tasting flat whites', status: 'acked' as const },
      { title: 'Garden', body: 'tomatoes and beans', status: 'pending' as const },
      { title: 'Shopping', body: 'beans, rice', status: 'pending' as const },
    ];
    const ids = notes.map((_, i) => uuidFor('0198a100', i));
    notes.forEach((n, i) => {
      const create: Action = {
        id: uuidFor('0198b000', i),
        collection: 'notes',
        entityId: ids[i]!,
        type: 'create',
        payload: { title: n.title, body: n.body },
        hlc: formatHlc({ ms: 1_750_000_000_000 + i, counter: 0, node: clientId }),
        clientId,
      };
      appendAction(db, create, n.status, n.status === 'acked' ? i + 1 : null);
      saveEntity(db, 'notes', mergeAction(undefined, create, clientId).state);
    });
    const listBefore = listNotes(db);
    const pendingBefore = listPendingActions(db, 100);
    // What the v4 app's search matched (its query on its index, which needed no catching up).
    const matched = (q: string) =>
      db.selectValues(`SELECT n.id FROM notes_fts JOIN notes n ON n.doc = notes_fts.rowid WHERE notes_fts MATCH ? AND n.visible = 1 ORDER BY notes_fts.rank`, [`"${q}"*`]).map(String);
    const searchBefore = ['beans', 'cafe', 'tomato'].map(matched);
    expect(searchBefore[0]).toHaveLength(2);

    const store = Store.open(db, { now: fakeClock(1_750_000_001_000).now, newId: idMaker('0198d000') });
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
    expect(count(db, `SELECT count(*) FROM sqlite_schema WHERE name = 'actions_by_status'`)).toBe(0);
    expect(listNotes(db)).toEqual(listBefore);
    expect(listPendingActions(db, 100)).toEqual(pendingBefore);
    expect(['beans', 'cafe', 'tomato'].map((q) => searchNotes(db, q).map((h) => h.id))).toEqual(searchBefore);
    expectIndexMirrorsNotes(db);

    // And the deferred path takes over from the index v4 built.
    store.applyLocal({ collection: 'notes', entityId: ids[1]!, type: 'update', payload: { body: 'peppers' } });
    store.applyLocal({ collection: 'notes', entityId: uuidFor('0198a100', 9), type: 'create', payload: { title: 'New', body: 'beans again' } });
    expect(searchNotes(db, 'tomato')).toEqual([]);
    expect(searchNotes(db, 'beans')).toHaveLength(2);
    expectIndexMirrorsNotes(db);
  });
});
