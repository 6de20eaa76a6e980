// JSON export and import (issue 7): the documented format, a round trip into a fresh database,
// idempotent re-import, and broken files refused whole with a message that says what is wrong.

import { describe, expect, it } from 'vitest';
import { EXPORT_FORMAT, MAX_IMPORT_CHARS, parseExport } from '../../../src/worker/files/exportFormat';
import { ExportImportService } from '../../../src/worker/files/exportImportService';
import type { NotesService } from '../../../src/worker/notes/notesService';
import type { Db } from '../../../src/worker/db/sql';
import { TrashService } from '../../../src/worker/notes/trash';
import { count, fakeClock, fillUp, idMaker, openService } from '../helpers';

async function setup(prefix = '5e5e5e5e') {
  const { service, db } = await openService({ now: fakeClock(1_750_000_000_000, 1000).now, newId: idMaker(prefix) });
  return { service, db, files: new ExportImportService(service), trash: new TrashService(service) };
}

async function sampleNotes(service: NotesService) {
  await service.createNote({ title: 'Shopping', body: 'milk\nbread' });
  await service.createNote({ title: '', body: 'untitled body' });
  await service.createNote({ title: 'Ünïcödé 日本 😀 "quotes" <b>', body: 'line\r\nwith\ttabs\u0000and nul' });
  await service.createNote({ title: 'Long', body: 'x'.repeat(100_000) });
  const gone = await service.createNote({ title: 'In the trash', body: '' });
  await service.deleteNote(gone.id);
}

/** What a user sees: every visible note's id, title and body. */
async function visibleNotes(service: NotesService) {
  const list = await service.listNotes();
  const full = await Promise.all(list.map((n) => service.getNote(n.id)));
  return full.map((n) => ({ id: n!.id, title: n!.title, body: n!.body })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Everything an import could change: notes rows, the log, the Trash. */
function snapshot(db: Db): string {
  return JSON.stringify({
    notes: db.selectObjects('SELECT * FROM notes ORDER BY id'),
    actions: count(db, 'SELECT count(*) FROM actions'),
    fts: db.selectValue(`SELECT count(*) FROM notes_fts_docsize`),
  });
}

describe('JSON export', () => {
  it('writes the documented, versioned format with every visible note', async () => {
    const { service, files } = await setup();
    await sampleNotes(service);
    const text = await files.exportJson();
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual(['format', 'version', 'exportedAt', 'notes']);
    expect(file).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) });
    const notes = file.notes as Record<string, unknown>[];
    expect(notes).toHaveLength(4);
    for (const n of notes) {
      expect(Object.keys(n)).toEqual(['id', 'title', 'body', 'createdAt', 'updatedAt']);
      expect(Date.parse(String(n.updatedAt))).toBeGreaterThanOrEqual(Date.parse(String(n.createdAt)));
    }
    expect(notes.map((n) => n.title)).not.toContain('In the trash');
    expect(parseExport(text).notes).toHaveLength(4);
  });
});

describe('JSON import', () => {
  it('into a fresh database reproduces every note, ids included', async () => {
    const a = await setup('aaaaaaaa');
    await sampleNotes(a.service);
    const text = await a.files.exportJson();

    const b = await setup('bbbbbbbb');
    expect(await b.files.importJson(text)).toEqual({ created: 4, updated: 0, restored: 0, unchanged: 0, skipped: 0 });
    expect(await visibleNotes(b.service)).toEqual(await visibleNotes(a.service));
    // Imported notes are ordinary local changes: pending, to be synced, and searchable.
    expect((await b.service.listNotes()).every((n) => n.pending)).toBe(true);
    expect((await b.service.searchNotes('unicode')).map((h) => h.title)).toEqual(['Ünïcödé 日本 😀 "quotes" <b>']);
  });

  it('twice creates nothing the second time', async () => {
    const a = await setup('aaaaaaaa');
    await sampleNotes(a.service);
    const text = await a.files.exportJson();
    const b = await setup('bbbbbbbb');
    await b.files.importJson(text);
    const before = snapshot(b.db);
    expect(await b.files.importJson(text)).toEqual({ created: 0, updated: 0, restored: 0, unchanged: 4, skipped: 0 });
    expect(snapshot(b.db)).toBe(before);
    // And back into the database it came from: all unchanged.
    expect(await a.files.importJson(text)).toMatchObject({ created: 0, unchanged: 4 });
  });

  it('updates only the fields that differ, brings back notes from the Trash, and leaves removed ones removed', async () => {
    const { service, files, trash, db } = await setup();
    const edited = await service.createNote({ title: 'Plan', body: 'old body' });
    const trashed = await service.createNote({ title: 'Trashed', body: 'keep me' });
    const purged = await service.createNote({ title: 'Purged', body: 'gone' });
    const text = await files.exportJson();

    await service.updateNote(edited.id, { body: 'new body' });
    await service.deleteNote(trashed.id);
    await service.deleteNote(purged.id);
    await trash.purge(purged.id);

    expect(await files.importJson(text)).toEqual({ created: 0, updated: 1, restored: 1, unchanged: 0, skipped: 1 });
    expect(await service.getNote(edited.id)).toMatchObject({ title: 'Plan', body: 'old body' });
    expect(await service.getNote(trashed.id)).toMatchObject({ title: 'Trashed', body: 'keep me' });
    expect(await service.getNote(purged.id)).toBeNull();
    const writes = db.selectObjects(`SELECT entity_id, type, payload FROM actions ORDER BY local_seq DESC LIMIT 2`);
    expect(writes).toEqual([
      { entity_id: trashed.id, type: 'restore', payload: '{}' },
      { entity_id: edited.id, type: 'update', payload: JSON.stringify({ body: 'old body' }) },
    ]);
  });

  it('accepts unknown keys (a later, compatible export) and upper-case ids', async () => {
    const { service, files } = await setup();
    const id = '0197A1B2-0000-7000-8000-00000000000A';
    const file = {
      format: 'notes-export',
      version: 1,
      exportedAt: '2025-06-15T10:00:00.000Z',
      app: 'someone else',
      notes: [{ id, title: 'T', body: 'B', createdAt: '2025-06-01T08:00:00Z', updatedAt: '2025-06-01T08:00:00Z', tags: ['x'] }],
    };
    expect(await files.importJson(JSON.stringify(file))).toMatchObject({ created: 1 });
    expect(await service.getNote(id.toLowerCase())).toMatchObject({ title: 'T', body: 'B' });
    expect(await files.importJson(JSON.stringify(file))).toMatchObject({ created: 0, unchanged: 1 });
  });

  describe('refuses a broken file whole, saying what is wrong', () => {
    const good = () => ({
      format: 'notes-export',
      version: 1,
      exportedAt: '2025-06-15T10:00:00.000Z',
      notes: [
        { id: '0197a1b2-0000-7000-8000-000000000001', title: 'fine', body: '', createdAt: '2025-06-01T08:00:00.000Z', updatedAt: '2025-06-01T08:00:00.000Z' },
        { id: '0197a1b2-0000-7000-8000-000000000002', title: 'fine too', body: '', createdAt: '2025-06-01T08:00:00.000Z', updatedAt: '2025-06-01T08:00:00.000Z' },
      ],
    });
    const withNote = (i: number, patch: Record<string, unknown>) => {
      const f = good();
      f.notes[i] = { ...f.notes[i]!, ...patch } as never;
      return JSON.stringify(f);
    };
    const cases: [string, () => string, RegExp][] = [
      ['not JSON', () => '{"format": "notes-export", ', /not valid JSON/],
      ['empty file', () => '', /not valid JSON/],
      ['JSON but not an object', () => '[1, 2]', /^Not a notes export: the file must hold a JSON object\.$/],
      ['JSON null', () => 'null', /^Not a notes export: the file must hold a JSON object\.$/],
      ['another kind of file', () => JSON.stringify({ name: 'package', version: '1.0.0' }), /^Not a notes export: format is missing; version must be a number\.$/],
      ['a wrong format name', () => JSON.stringify({ ...good(), format: 'notes' }), /format must be "notes-export"/],
      ['a newer version', () => JSON.stringify({ ...good(), version: 2 }), /version 2; this app reads version 1\. Update the app/],
      ['a version as a string', () => JSON.stringify({ ...good(), version: '1' }), /version must be a number/],
      ['notes not an array', () => JSON.stringify({ ...good(), notes: {} }), /notes must be an array/],
      ['a title of the wrong type', () => withNote(1, { title: 42 }), /notes\[1\]\.title must be a string/],
      ['a missing body', () => withNote(0, { body: undefined }), /notes\[0\]\.body is missing/],
      ['a missing list of notes', () => JSON.stringify({ ...good(), notes: undefined }), /notes is missing/],
      ['a bad id', () => withNote(0, { id: 'note-1' }), /notes\[0\]\.id must be a UUID/],
      ['a bad date', () => withNote(1, { createdAt: 'yesterday' }), /notes\[1\]\.createdAt must be an ISO 8601 date/],
      ['a note that is not an object', () => JSON.stringify({ ...good(), notes: ['text'] }), /notes\[0\] must be an object/],
      ['the same id twice', () => withNote(1, { id: '0197A1B2-0000-7000-8000-000000000001' }), /notes must not list the same id twice/],
      ['a title over the limit', () => withNote(0, { title: 't'.repeat(1_001) }), /notes\[0\]\.title must be at most 1000 characters/],
      ['a body over the limit', () => withNote(1, { body: 'b'.repeat(500_001) }), /notes\[1\]\.body must be at most 500000 characters/],
      ['a file over the size limit', () => ' '.repeat(MAX_IMPORT_CHARS + 1), /too large to import \(64\.0 MB; the limit is 64\.0 MB\)/],
    ];
    for (const [what, file, message] of cases) {
      it(what, async () => {
        const { service, files, db } = await setup();
        await service.createNote({ title: 'already here', body: '' });
        const before = snapshot(db);
        const failure = files.importJson(file());
        await expect(failure).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(message) });
        expect(snapshot(db)).toBe(before);
      });
    }

    it('not a string at all', async () => {
      const { files } = await setup();
      await expect(files.importJson(42 as never)).rejects.toMatchObject({ name: 'ValidationError', message: 'text: must be the text of the file' });
    });
  });

  it('is all or nothing when storage fails half way', async () => {
    const a = await setup('aaaaaaaa');
    for (let i = 0; i < 50; i++) await a.service.createNote({ title: `note ${i}`, body: 'y'.repeat(2_000) });
    const text = await a.files.exportJson();
    const b = await setup('bbbbbbbb');
    await b.service.createNote({ title: 'mine', body: '' });
    const before = snapshot(b.db);
    fillUp(b.db);
    await expect(b.files.importJson(text)).rejects.toMatchObject({ name: 'StorageFullError' });
    expect(snapshot(b.db)).toBe(before);
  });
});
