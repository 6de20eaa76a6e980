// The account controls on both stores: change password (every other session ends, this one stays),
// sign out everywhere, delete account (the space erased; its tokens answer account_deleted), the
// cap on sessions per account; and the live streams of ended sessions end at once, on every
// instance sharing the database.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ROUTES } from '../../src/sync/accountProtocol';
import type { AuthResponse } from '../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, expectError, makeActions } from './helpers';
import { listen, type Listening } from './listening';
import { bearer, openSse, type SseStream } from './sse';

const PASSWORD = 'first password';
const json = { 'content-type': 'application/json' };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const call = (fetch: Fetch, path: string, token: string, body: unknown = {}) =>
  fetch(path, { method: 'POST', headers: { ...json, ...bearer(token) }, body: JSON.stringify(body) });
const me = (fetch: Fetch, token: string) => fetch('/api/auth/me', { headers: bearer(token) });
async function signIn(fetch: Fetch, username: string, password = PASSWORD): Promise<AuthResponse> {
  const res = await fetch('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  return (await res.json()) as AuthResponse;
}
const loginStatus = async (fetch: Fetch, username: string, password: string) =>
  (await fetch('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username, password }) })).status;

/** The stream ended (null) rather than sending anything but heartbeats. */
async function ended(stream: SseStream): Promise<boolean> {
  return (await stream.next((m) => m.comment !== 'heartbeat', 3_000)) === null;
}

for (const kind of backendKinds) {
  describe(`account controls [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options(), config: { maxSessionsPerAccount: 3 } });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it('change password: needs the current one, ends every other session, keeps this one', async () => {
      const here = await server.register('changer', PASSWORD);
      const elsewhere = await signIn(server.fetch, 'changer');
      await expectError(await call(server.fetch, ACCOUNT_ROUTES.changePassword, here.token, { currentPassword: 'not it at all', newPassword: 'second password' }), 403, 'invalid_credentials');
      await expectError(await call(server.fetch, ACCOUNT_ROUTES.changePassword, here.token, { currentPassword: PASSWORD, newPassword: 'short' }), 400, 'bad_request');
      expect((await me(server.fetch, elsewhere.token)).status).toBe(200);

      const res = await call(server.fetch, ACCOUNT_ROUTES.changePassword, here.token, { currentPassword: PASSWORD, newPassword: 'second password' });
      expect(await res.json()).toEqual({ ok: true });
      expect((await me(server.fetch, here.token)).status).toBe(200);
      await expectError(await me(server.fetch, elsewhere.token), 401, 'unauthorized');
      expect(await loginStatus(server.fetch, 'changer', PASSWORD)).toBe(401);
      expect(await loginStatus(server.fetch, 'changer', 'second password')).toBe(200);
    });

    it('sign out everywhere ends every session of the account, and no other account’s', async () => {
      const a = await server.register('everywhere', PASSWORD);
      const b = await signIn(server.fetch, 'everywhere');
      const other = await server.register();
      expect(await (await call(server.fetch, ACCOUNT_ROUTES.signOutEverywhere, a.token)).json()).toEqual({ ok: true });
      for (const t of [a.token, b.token]) await expectError(await me(server.fetch, t), 401, 'unauthorized');
      expect((await me(server.fetch, other.token)).status).toBe(200);
      expect((await signIn(server.fetch, 'everywhere')).token).toBeTruthy();
    });

    it('delete account: needs the password, erases the space, and its tokens say the account is gone', async () => {
      const owner = await server.register('leaving', PASSWORD);
      const second = await signIn(server.fetch, 'leaving');
      const clientId = uuidv7();
      await api(server.fetch, owner.token).push(clientId, makeActions(clientId, 4, server.clock.now()));
      const spaceId = (await server.store.findUserById(owner.userId))!.spaceId;
      expect(await db.count('actions', `space_id = '${spaceId}'`)).toBe(4);

      await expectError(await call(server.fetch, ACCOUNT_ROUTES.deleteAccount, owner.token, { password: 'wrong password' }), 403, 'invalid_credentials');
      expect(await db.count('actions', `space_id = '${spaceId}'`)).toBe(4);

      expect(await (await call(server.fetch, ACCOUNT_ROUTES.deleteAccount, owner.token, { password: PASSWORD })).json()).toEqual({ ok: true });
      for (const t of [owner.token, second.token]) {
        await expectError(await api(server.fetch, t).pullRaw('cursor=0'), 401, 'account_deleted');
      }
      for (const [table, where] of [
        ['actions', `space_id = '${spaceId}'`],
        ['spaces', `id = '${spaceId}'`],
        ['users', `id = '${owner.userId}'`],
        ['tokens', `user_id = '${owner.userId}'`],
        ['clients', `client_id = '${clientId}'`],
      ] as const) {
        expect(await db.count(table, where), table).toBe(0);
      }
      expect(await loginStatus(server.fetch, 'leaving', PASSWORD)).toBe(401);
      // The name and the device's clientId are free again: a new account may take them.
      const again = await server.register('leaving', 'a new password');
      expect(await api(server.fetch, again.token).push(clientId, makeActions(clientId, 1, server.clock.now()))).toMatchObject({ head: 1 });
      // Once the old tokens would have expired, they are forgotten too.
      server.clock.advance(server.config.tokenTtlMs);
      expect(await server.store.deleteExpiredTokens(server.clock.now())).toBeGreaterThanOrEqual(2);
      await expectError(await api(server.fetch, owner.token).pullRaw('cursor=0'), 401, 'unauthorized');
    });

    it('caps sessions per account: a new sign-in past the cap ends the oldest; expired ones are pruned', async () => {
      const first = await server.register('many', PASSWORD);
      server.clock.advance(1);
      const later: AuthResponse[] = [];
      for (let i = 0; i < 3; i++) {
        later.push(await signIn(server.fetch, 'many'));
        server.clock.advance(1);
      }
      await expectError(await me(server.fetch, first.token), 401, 'unauthorized');
      for (const s of later) expect((await me(server.fetch, s.token)).status).toBe(200);
      expect(await db.count('tokens', `user_id = '${first.userId}'`)).toBe(3);

      server.clock.advance(server.config.tokenTtlMs);
      await signIn(server.fetch, 'many');
      expect(await db.count('tokens', `user_id = '${first.userId}'`)).toBe(1);
    });
  });

  describe(`ended sessions end their live streams at once [${kind}]`, () => {
    let db: TestDatabase;
    let a: Listening;
    let b: Listening;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      // A long heartbeat: the streams must end because they were told, not because they rechecked.
      a = await listen(db, { config: { heartbeatMs: 60_000 } });
      b = kind === 'postgres' ? await listen(db, { config: { heartbeatMs: 60_000 } }) : a;
    });
    afterAll(async () => {
      await a?.server.close();
      if (b !== a) await b?.server.close();
      await db?.drop();
    });

    const open = async (server: Listening, token: string): Promise<SseStream> => {
      const stream = await openSse(`${server.url}/api/sync/events`, bearer(token));
      expect(await stream.nextHead()).toBe(0);
      return stream;
    };

    it('a password change ends the other sessions’ streams, on every instance, and keeps this one’s', async () => {
      const here = await a.register();
      const there = await signIn(a.fetch, here.username, 'long enough password');
      const mine = await open(a, here.token);
      const theirs = await open(b, there.token);
      try {
        const res = await call(a.fetch, ACCOUNT_ROUTES.changePassword, here.token, { currentPassword: 'long enough password', newPassword: 'another long password' });
        expect(res.status).toBe(200);
        expect(await ended(theirs)).toBe(true);
        const clientId = uuidv7();
        await api(a.fetch, here.token).push(clientId, makeActions(clientId, 1));
        expect(await mine.nextHead()).toBe(1);
      } finally {
        mine.close();
        theirs.close();
      }
    });

    it('sign-out ends that session’s stream; sign out everywhere and delete account end them all', async () => {
      const user = await a.register();
      const second = await signIn(a.fetch, user.username, 'long enough password');
      const first = await open(a, user.token);
      const other = await open(b, second.token);
      await a.fetch('/api/auth/logout', { method: 'POST', headers: bearer(user.token) });
      expect(await ended(first)).toBe(true);
      const third = await signIn(a.fetch, user.username, 'long enough password');
      const again = await open(b, third.token);
      expect((await call(a.fetch, ACCOUNT_ROUTES.signOutEverywhere, second.token)).status).toBe(200);
      expect(await ended(other)).toBe(true);
      expect(await ended(again)).toBe(true);

      const doomed = await a.register();
      const stream = await open(b, doomed.token);
      expect((await call(a.fetch, ACCOUNT_ROUTES.deleteAccount, doomed.token, { password: 'long enough password' })).status).toBe(200);
      expect(await ended(stream)).toBe(true);
    });
  });
}
