// A push authenticates from a short-lived cache of sessions (security/sessionCache.ts) and its
// transaction checks the token again: a token that ended by any path stops pushing at once, on both
// stores and on every instance, including ends no event announces (the cap on sessions per account).

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ROUTES } from '../../src/sync/accountProtocol';
import type { AuthResponse } from '../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, expectError, makeActions } from './helpers';
import { startServerProcess, type ServerProcess } from './processes';
import { bearer } from './sse';

const PASSWORD = 'first password';
const json = { 'content-type': 'application/json' };
type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const post = (fetch: Fetch, path: string, token: string, body: unknown = {}) =>
  fetch(path, { method: 'POST', headers: { ...json, ...bearer(token) }, body: JSON.stringify(body) });
async function signIn(fetch: Fetch, username: string, password = PASSWORD): Promise<AuthResponse> {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  return (await res.json()) as AuthResponse;
}
const pushOne = (fetch: Fetch, token: string, clientId: string) => api(fetch, token).pushRaw({ clientId, actions: makeActions(clientId, 1) });

for (const kind of backendKinds) {
  describe(`a push with an ended session is refused at once [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options(), config: { maxSessionsPerAccount: 2 } });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    /** A session that has pushed once, so this instance holds it in its cache. */
    async function pushing(username: string, token: string) {
      const clientId = uuidv7();
      expect((await pushOne(server.fetch, token, clientId)).status).toBe(200);
      return { username, token, clientId };
    }

    it('after signing out', async () => {
      const { token } = await server.register();
      const s = await pushing('', token);
      expect((await post(server.fetch, '/api/auth/logout', token)).status).toBe(200);
      await expectError(await pushOne(server.fetch, token, s.clientId), 401, 'unauthorized');
    });

    it('after a password change elsewhere, and the changing session keeps pushing', async () => {
      const here = await server.register('changer', PASSWORD);
      const other = await pushing('changer', (await signIn(server.fetch, 'changer')).token);
      const mine = await pushing('changer', here.token);
      const res = await post(server.fetch, ACCOUNT_ROUTES.changePassword, here.token, { currentPassword: PASSWORD, newPassword: 'second password' });
      expect(res.status).toBe(200);
      await expectError(await pushOne(server.fetch, other.token, other.clientId), 401, 'unauthorized');
      expect((await pushOne(server.fetch, mine.token, mine.clientId)).status).toBe(200);
    });

    it('after the account is deleted: account_deleted, and nothing stored', async () => {
      const owner = await server.register('leaving', PASSWORD);
      const second = await pushing('leaving', (await signIn(server.fetch, 'leaving')).token);
      expect((await post(server.fetch, ACCOUNT_ROUTES.deleteAccount, owner.token, { password: PASSWORD })).status).toBe(200);
      await expectError(await pushOne(server.fetch, second.token, second.clientId), 401, 'account_deleted');
      expect(await db.count('actions', `client_id = '${second.clientId}'`)).toBe(0);
      expect(await db.count('clients', `client_id = '${second.clientId}'`)).toBe(0);
    });

    it('after the session cap drops it, which no event announces', async () => {
      const first = await pushing('capped', (await server.register('capped', PASSWORD)).token);
      await signIn(server.fetch, 'capped');
      await signIn(server.fetch, 'capped');
      await expectError(await pushOne(server.fetch, first.token, first.clientId), 401, 'unauthorized');
    });

    it('after the token expired, though the session was cached before', async () => {
      const { token } = await server.register();
      const s = await pushing('', token);
      server.clock.advance(server.config.tokenTtlMs + 1);
      await expectError(await pushOne(server.fetch, token, s.clientId), 401, 'unauthorized');
    });
  });

  describe(`two processes: a sign-out on one stops pushes on the other at once [${kind}]`, () => {
    let db: TestDatabase;
    let a: ServerProcess;
    let b: ServerProcess;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      [a, b] = await Promise.all([startServerProcess(db.env), startServerProcess(db.env)]);
    }, 60_000);
    afterAll(async () => {
      const codes = await Promise.all([a?.stop(), b?.stop()]);
      await db?.drop();
      expect(codes).toEqual([0, 0]);
    });

    it('signed out on A, refused on B with its next push', async () => {
      const onA: Fetch = (path, init) => fetch(`${a.url}${path}`, init);
      const onB: Fetch = (path, init) => fetch(`${b.url}${path}`, init);
      const res = await onA('/api/auth/register', { method: 'POST', headers: json, body: JSON.stringify({ username: 'roaming', password: PASSWORD }) });
      const { token } = (await res.json()) as AuthResponse;
      const clientId = uuidv7();
      expect((await pushOne(onB, token, clientId)).status).toBe(200);
      expect((await pushOne(onB, token, clientId)).status).toBe(200);
      expect((await post(onA, '/api/auth/logout', token)).status).toBe(200);
      await expectError(await pushOne(onB, token, clientId), 401, 'unauthorized');
    });
  });
}
