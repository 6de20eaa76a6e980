import { describe, expect, it } from 'vitest';
import { collections, fieldNames } from '../../../src/sync/collections';
import { latestVersion, migrate, migrations, schemaVersion, SchemaTooNewError } from '../../../src/worker/db/migrations';
import { getNote, listNotes } from '../../../src/worker/notes/noteQueries';
import { Store } from '../../../src/worker/store/store';
import { count, fakeClock, idMaker, memoryDb } from '../helpers';

function columns(db: Awaited<ReturnType<typeof memoryDb>>, table: string): string[] {
  return db.selectObjects(`PRAGMA table_info(${table})`).map((r) => String(r.name));
}

describe('migrations', () => {
  it('bring a fresh database to the latest version, one recorded row per migration', async () => {
    const db = await memoryDb();
    expect(migrate(db, migrations, () => 42)).toEqual({ from: 0, to: latestVersion });
    expect(latestVersion).toBeGreaterThanOrEqual(2);
    expect(db.selectObjects('SELECT version, applied_at FROM schema_migrations ORDER BY version')).toEqual(
      migrations.map((m) => ({ version: m.version, applied_at: 42 })),
    );
    for (const t of ['meta', 'actions', 'notes', 'conflicts']) expect(count(db, `SELECT count(*) FROM sqlite_schema WHERE name = ?`, [t])).toBe(1);
  });

  it('are a no-op on a database already at the latest version', async () => {
    const db = await memoryDb();
    migrate(db);
    expect(migrate(db)).toEqual({ from: latestVersion, to: latestVersion });
    expect(count(db, 'SELECT count(*) FROM schema_migrations')).toBe(latestVersion);
  });

  it('give every collection field a value and a stamp column', async () => {
    const db = await memoryDb();
    migrate(db);
    for (const c of Object.keys(collections) as (keyof typeof collections)[]) {
      const cols = columns(db, c);
      for (const f of fieldNames(c)) expect(cols).toEqual(expect.arrayContaining([f, `${f}_stamp`]));
    }
  });

  it('upgrade a database made by the previous schema in place, keeping its notes and log', async () => {
    const db = await memoryDb();
    migrate(db, migrations.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    // What the v1 app wrote: its client id, clock, one created note and its pending action.
    const clientId = '0198a000-0000-7000-8000-000000000001';
    const noteId = '0198a000-0000-7000-8000-0000000000aa';
    const actionId = '0198a000-0000-7000-8000-0000000000bb';
    const hlc = `001750000000000:00000:${clientId}`;
    const stamp = `${hlc}|${actionId}`;
    db.exec({ sql: `INSERT INTO meta (key, value) VALUES ('client_id', ?), ('hlc', ?)`, bind: [clientId, hlc] });
    db.exec({
      sql: `INSERT INTO actions (id, collection, entity_id, type, payload, hlc, client_id, status)
            VALUES (?, 'notes', ?, 'create', ?, ?, ?, 'pending')`,
      bind: [actionId, noteId, JSON.stringify({ title: 'Kept', body: 'across upgrades' }), hlc, clientId],
    });
    db.exec({
      sql: `INSERT INTO notes (id, title, body, title_stamp, body_stamp, created_stamp, changed_stamp, visible)
            VALUES (?, 'Kept', 'across upgrades', ?, ?, ?, ?, 1)`,
      bind: [noteId, stamp, stamp, stamp, stamp],
    });

    const clock = fakeClock(1_750_000_100_000);
    const store = Store.open(db, { now: clock.now, newId: idMaker('0198b000') });

    expect(schemaVersion(db)).toBe(latestVersion);
    expect(store.clientId).toBe(clientId);
    expect(listNotes(db)).toEqual([expect.objectContaining({ id: noteId, title: 'Kept', snippet: 'across upgrades', pending: true })]);
    expect(store.pendingActions(10).map((a) => a.id)).toEqual([actionId]);

    // The new schema is usable on the old data: an edit, then a conflict table write.
    store.applyLocal({ collection: 'notes', entityId: noteId, type: 'update', payload: { title: 'Kept, edited' } });
    expect(getNote(db, noteId)).toMatchObject({ title: 'Kept, edited', body: 'across upgrades' });
    db.exec(`INSERT INTO conflicts (collection, entity_id, field, kind, lost_value, lost_stamp, winner_stamp, created_at)
             VALUES ('notes', '${noteId}', 'title', 'overwritten', 'x', 'a', 'b', 1)`);
    expect(store.openConflicts()).toHaveLength(1);
  });

  it('run each migration in its own transaction: a failing one leaves the previous version intact', async () => {
    const db = await memoryDb();
    const broken = [...migrations, { version: latestVersion + 1, name: 'broken', sql: 'CREATE TABLE half_done (x); SELECT no_such_function();' }];
    expect(() => migrate(db, broken)).toThrow();
    expect(schemaVersion(db)).toBe(latestVersion);
    expect(count(db, `SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`)).toBe(0);
  });

  it('refuse a database written by a newer app instead of guessing at its schema', async () => {
    const db = await memoryDb();
    migrate(db);
    expect(() => migrate(db, migrations.slice(0, 1))).toThrow(SchemaTooNewError);
  });
});
