// One account can never read, overwrite or delete another's data: not with the other's entity ids,
// action ids or clientId, nor with a forged space or user anywhere in a request. Every sync query is
// scoped by the space of the token.

import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/sync/action';
import type { AuthResponse } from '../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, expectError, makeAction, makeActions } from './helpers';

for (const kind of backendKinds) {
  describe(`isolation between accounts [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let alice: AuthResponse;
    let bob: AuthResponse;
    const aliceClient = uuidv7();
    const bobClient = uuidv7();
    let aliceActions: Action[];

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options() });
      alice = await server.register('alice');
      bob = await server.register('bob');
      aliceActions = makeActions(aliceClient, 3, server.clock.now());
      await api(server.fetch, alice.token).push(aliceClient, aliceActions);
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    /** Alice's space, checked after every attack: exactly what she pushed. */
    async function expectAliceUntouched() {
      const all = await api(server.fetch, alice.token).pullAll();
      expect(all).toEqual(aliceActions.map((a, i) => ({ ...a, seq: i + 1 })));
    }

    it('does not show one account’s actions to another', async () => {
      const page = await api(server.fetch, bob.token).pull(0);
      expect(page).toMatchObject({ actions: [], head: 0 });
    });

    it('ignores a forged space or user in the pull query', async () => {
      const res = await api(server.fetch, bob.token).pullRaw(`cursor=0&spaceId=${alice.userId}&userId=${alice.userId}&space=${alice.userId}`);
      expect(await res.json()).toMatchObject({ actions: [], head: 0 });
    });

    it('refuses another account’s clientId with 403 and stores nothing', async () => {
      const res = await api(server.fetch, bob.token).pushRaw({ clientId: aliceClient, actions: [makeAction(aliceClient, { ms: server.clock.now() })] });
      await expectError(res, 403, 'forbidden_client');
      expect((await api(server.fetch, bob.token).pull(0)).head).toBe(0);
      await expectAliceUntouched();
    });

    it('keeps an update or delete of another account’s entity ids in the sender’s own space', async () => {
      const bobApi = api(server.fetch, bob.token);
      const target = aliceActions[0]!;
      const edits = [
        makeAction(bobClient, { ms: server.clock.now(), type: 'update', entityId: target.entityId, payload: { title: 'pwned' } }),
        makeAction(bobClient, { ms: server.clock.now(), type: 'delete', entityId: aliceActions[1]!.entityId }),
        makeAction(bobClient, { ms: server.clock.now(), type: 'purge', entityId: aliceActions[2]!.entityId }),
      ];
      await bobApi.push(bobClient, edits);
      expect((await bobApi.pullAll()).map((a) => a.id)).toEqual(edits.map((a) => a.id));
      await expectAliceUntouched();
    });

    it('treats a reused action id as new in the sender’s space, never as the other’s action', async () => {
      const bobApi = api(server.fetch, bob.token);
      const before = (await bobApi.pull(0)).head;
      const copy = { ...makeAction(bobClient, { ms: server.clock.now(), payload: { title: 'overwrite?' } }), id: aliceActions[0]!.id };
      expect(await bobApi.push(bobClient, [copy])).toEqual({ accepted: [copy.id], duplicates: [], head: before + 1 });
      await expectAliceUntouched();
    });

    it('rejects a space, user or account forged into the push body, storing nothing', async () => {
      const bobApi = api(server.fetch, bob.token);
      const before = (await bobApi.pull(0)).head;
      const action = makeAction(bobClient, { ms: server.clock.now() });
      const forged: unknown[] = [
        { clientId: bobClient, actions: [action], spaceId: alice.userId },
        { clientId: bobClient, actions: [action], userId: alice.userId },
        { clientId: bobClient, actions: [{ ...action, spaceId: alice.userId }] },
        { clientId: bobClient, actions: [{ ...action, userId: alice.userId }] },
        { clientId: bobClient, actions: [{ ...action, seq: 1 }] },
        { clientId: bobClient, actions: [{ ...action, payload: { title: 'x', spaceId: alice.userId } }] },
      ];
      for (const body of forged) {
        const res = await bobApi.pushRaw(body);
        expect(res.status).toBe(400);
      }
      expect((await bobApi.pull(0)).head).toBe(before);
      await expectAliceUntouched();
    });

    it('answers 401 to missing, malformed, unknown, expired and signed-out tokens, storing nothing', async () => {
      const unknown = randomBytes(32).toString('base64url');
      const body = JSON.stringify({ clientId: bobClient, actions: [makeAction(bobClient, { ms: server.clock.now() })] });
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer' },
        { authorization: 'Basic Ym9iOmJvYg==' },
        { authorization: 'Bearer not-a-token' },
        { authorization: `Bearer ${unknown}` },
        { authorization: `Bearer ${bob.token}x` },
      ];
      for (const headers of attempts) {
        await expectError(await server.fetch('/api/sync/push', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body }), 401, 'unauthorized');
        await expectError(await server.fetch('/api/sync/pull?cursor=0', { headers }), 401, 'unauthorized');
        await expectError(await server.fetch('/api/sync/events', { headers }), 401, 'unauthorized');
      }
      // A token in the URL is never read.
      await expectError(await server.fetch(`/api/sync/pull?cursor=0&token=${bob.token}`), 401, 'unauthorized');
      await expectError(await server.fetch(`/api/sync/events?token=${bob.token}`), 401, 'unauthorized');

      const carol = await server.register('carol');
      await server.fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${carol.token}` } });
      await expectError(await api(server.fetch, carol.token).pullRaw('cursor=0'), 401, 'unauthorized');

      const dave = await server.register('dave');
      server.clock.advance(server.config.tokenTtlMs);
      await expectError(await api(server.fetch, dave.token).pullRaw('cursor=0'), 401, 'unauthorized');
      await expectError(await server.fetch('/api/sync/events', { headers: { authorization: `Bearer ${dave.token}` } }), 401, 'unauthorized');
      await expectError(
        await server.fetch('/api/sync/push', { method: 'POST', headers: { authorization: `Bearer ${dave.token}`, 'content-type': 'application/json' }, body }),
        401,
        'unauthorized',
      );

      const fresh = (await (
        await server.fetch('/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
        })
      ).json()) as AuthResponse;
      expect(await api(server.fetch, fresh.token).pullAll()).toHaveLength(aliceActions.length);
    });
  });
}
