// A database made by schema version 1 (before compaction), with rows in it, opened by this code:
// migrated to the current version in place, every row still served as it was pushed, and the
// old rows compact like new ones.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresMigrations } from '../../src/server/store/postgres/postgresMigrations';
import { openPostgresStore } from '../../src/server/store/postgres/postgresStore';
import { sqliteMigrations } from '../../src/server/store/sqlite/sqliteMigrations';
import { openSqliteStore } from '../../src/server/store/sqlite/sqliteStore';
import type { Store } from '../../src/server/store/types';
import type { Action, SequencedAction } from '../../src/sync/action';
import { backendKinds, createTestDatabase, type BackendKind, type TestDatabase } from './backends';
import { makeAction, makeSnapshot } from './helpers';

const SPACE = 'space-v1';
const USER = 'user-v1';
const clientId = uuidv7();
const entity = uuidv7();
const T = Date.UTC(2026, 0, 1);

const v1Actions: SequencedAction[] = [
  { ...makeAction(clientId, { entityId: entity, ms: T }), seq: 1 },
  { ...makeAction(clientId, { entityId: entity, type: 'update', payload: { title: 'edited' }, ms: T + 1 }), base: { title: 'x|y' }, seq: 2 },
  { ...makeAction(clientId, { ms: T + 2 }), seq: 3 },
  { ...makeAction(clientId, { entityId: entity, type: 'delete', ms: T + 3 }), seq: 4 },
];

/** The statements that fill a version 1 database, `?` for each parameter. */
function v1Rows(): [string, unknown[]][] {
  return [
    ['INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, ?, ?)', [sqliteMigrations[0]!.name, T]],
    ["INSERT INTO server_meta (key, value) VALUES ('epoch', 'epoch-v1')", []],
    ['INSERT INTO spaces (id, head, created_at) VALUES (?, ?, ?)', [SPACE, v1Actions.length, T]],
    ["INSERT INTO users (id, username, password_hash, space_id, created_at) VALUES (?, 'old', 'x', ?, ?)", [USER, SPACE, T]],
    ['INSERT INTO clients (client_id, user_id, space_id, first_seen) VALUES (?, ?, ?, ?)', [clientId, USER, SPACE, T]],
    ...v1Actions.map((a): [string, unknown[]] => [
      `INSERT INTO actions (space_id, id, seq, collection, entity_id, type, payload, hlc, client_id, base, user_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [SPACE, a.id, a.seq, a.collection, a.entityId, a.type, JSON.stringify(a.payload), a.hlc, a.clientId, a.base ? JSON.stringify(a.base) : null, USER, T],
    ]),
  ];
}

const schemaTable = 'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)';

/** A version 1 database of `kind`, and a way to open it with the current code. */
async function v1Database(kind: BackendKind): Promise<{ open: () => Promise<Store>; version: () => Promise<number>; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-v1-'));
    const file = path.join(dir, 'notes.sqlite');
    const db = new Database(file);
    db.exec(schemaTable);
    db.exec(sqliteMigrations[0]!.sql);
    for (const [sql, params] of v1Rows()) db.prepare(sql).run(...params);
    db.close();
    const version = async () => {
      const check = new Database(file, { readonly: true });
      try {
        return (check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
      } finally {
        check.close();
      }
    };
    return { open: async () => openSqliteStore({ path: file }), version, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const test: TestDatabase = await createTestDatabase('postgres');
  const options = test.options();
  if (options.kind !== 'postgres') throw new Error('expected postgres');
  const sql = postgres(options.url, { max: 1, onnotice: () => {} });
  await sql.unsafe(schemaTable);
  await sql.unsafe(postgresMigrations[0]!.sql);
  for (const [text, params] of v1Rows()) {
    let n = 0;
    await sql.unsafe(text.replace(/\?/g, () => `$${++n}`), params as postgres.ParameterOrJSON<never>[]);
  }
  const version = async () => Number((await sql<{ v: number }[]>`SELECT max(version) AS v FROM schema_migrations`)[0]!.v);
  return {
    open: () => openPostgresStore({ url: options.url }),
    version,
    drop: async () => {
      await sql.end();
      await test.drop();
    },
  };
}

for (const kind of backendKinds) {
  describe(`a database of schema version 1 [${kind}]`, () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });

    it('is migrated in place: every row still served as pushed, the epoch kept, and old rows compact', async () => {
      const v1 = await v1Database(kind);
      drops.push(v1.drop);
      const store = await v1.open();
      try {
        expect(await v1.version()).toBe((kind === 'sqlite' ? sqliteMigrations : postgresMigrations).length);
        expect(store.epoch).toBe('epoch-v1');
        expect(await store.pull(SPACE, 0, 100)).toEqual({ actions: v1Actions, head: 4, cursor: 4 });
        expect(await store.storedRows(SPACE)).toEqual({ live: 4, covered: 0 });

        const snapshot: Action = makeSnapshot(clientId, entity, 4, { ms: T + 10 });
        const pushed = await store.push({ spaceId: SPACE, userId: USER, clientId, actions: [snapshot], receivedAt: T + 10 });
        expect(pushed).toEqual({ ok: true, accepted: [snapshot.id], duplicates: [], head: 5 });
        expect((await store.pull(SPACE, 0, 100)).actions).toEqual([v1Actions[2], { ...snapshot, seq: 5 }]);
      } finally {
        await store.close();
      }
    });
  });
}
