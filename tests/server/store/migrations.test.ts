// Schema v2 on a database made by the previous version (v1): the stored bytes of existing spaces
// are counted, existing sessions and password hashes keep working, and the new limits apply.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, hashToken } from '../../../src/server/auth';
import { postgresMigrations } from '../../../src/server/store/postgres/postgresMigrations';
import { rowBytes, toRow } from '../../../src/server/store/rows';
import { sqliteMigrations } from '../../../src/server/store/sqlite/sqliteMigrations';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { api, expectError, makeAction } from '../helpers';

const quote = (s: string | number | null): string => (s === null ? 'NULL' : typeof s === 'number' ? String(s) : `'${s.replace(/'/g, "''")}'`);

for (const kind of backendKinds) {
  describe(`migrating a v1 database [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    const token = 'A'.repeat(43);
    const clientId = '01900000-0000-7000-8000-000000000001';
    const now = Date.now();
    const actions = [makeAction(clientId, { ms: now }), makeAction(clientId, { ms: now, payload: { title: 'ünïcode', body: 'é'.repeat(100) } })];
    const rows = actions.map((a, i) => toRow(a, 'space-1', i + 1, 'user-1', now));

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      const v1 = (kind === 'sqlite' ? sqliteMigrations : postgresMigrations).find((m) => m.version === 1)!;
      const hash = await hashPassword('the old password', 10);
      const inserts = rows
        .map((r) => `INSERT INTO actions VALUES (${[r.space_id, r.id, r.seq, r.collection, r.entity_id, r.type, r.payload, r.hlc, r.client_id, r.base, r.user_id, r.received_at].map(quote).join(', ')});`)
        .join('\n');
      await db.exec(`
        CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);
        ${v1.sql}
        INSERT INTO schema_migrations VALUES (1, ${quote(v1.name)}, ${now});
        INSERT INTO server_meta VALUES ('epoch', 'epoch-of-v1');
        INSERT INTO spaces VALUES ('space-1', 2, ${now});
        INSERT INTO users VALUES ('user-1', 'veteran', ${quote(hash)}, 'space-1', ${now});
        INSERT INTO tokens VALUES (${quote(hashToken(token))}, 'user-1', ${now}, ${now + 86_400_000});
        INSERT INTO clients VALUES (${quote(clientId)}, 'user-1', 'space-1', ${now});
        ${inserts}
      `);
      const used = rows.reduce((n, r) => n + rowBytes(r), 0);
      server = await createTestServer({ backend: db.options(), config: { accountMaxStoredBytes: used + 1_000 } });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it('counts the stored bytes of existing spaces, so the quota holds from the first push', async () => {
      expect(await db.count('schema_migrations')).toBe(sqliteMigrations.length);
      expect(await db.count('spaces', `stored_bytes = ${rows.reduce((n, r) => n + rowBytes(r), 0)}`)).toBe(1);
      expect(server.store.epoch).toBe('epoch-of-v1');
      // The session made before the migration still works; 1,000 bytes of quota are left.
      const pulled = await api(server.fetch, token).pull(0);
      expect(pulled.actions.map((a) => a.id)).toEqual(actions.map((a) => a.id));
      const big = makeAction(clientId, { ms: now, payload: { title: 'too big', body: 'x'.repeat(2_000) } });
      await expectError(await api(server.fetch, token).pushRaw({ clientId, actions: [big] }), 403, 'storage_full');
      expect((await api(server.fetch, token).push(clientId, [makeAction(clientId, { ms: now })])).head).toBe(3);
    });

    it('signs in with a password hashed before the migration', async () => {
      const res = await server.fetchFrom('198.51.100.4')('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'veteran', password: 'the old password' }),
      });
      expect(res.status).toBe(200);
      expect((await server.store.findUserById('user-1'))?.passwordHash).toMatch(/^scrypt\$10\$/);
    });
  });
}
