// Per-account limits, each refusal a 4xx with a code and nothing stored: the storage quota, pushes
// per minute, pushes in flight, live streams, pull pages by bytes; on PostgreSQL, pushes that wait
// too long for their lock (lock_timeout) or run too long (statement_timeout).

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import type { AppConfig } from '../../../src/server/config';
import type { StoreHooks } from '../../../src/server/store/types';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { api, expectError, makeAction, makeActions } from '../helpers';
import { listen } from '../listening';
import { bearer, openSse } from '../sse';

/** A hook that holds the next push transaction open until released. */
function holdNextPush(): { hooks: StoreHooks; holding: Promise<void>; release(): void } {
  let armed = true;
  let release = (): void => {};
  let entered = (): void => {};
  const holding = new Promise<void>((r) => (entered = r));
  const released = new Promise<void>((r) => (release = r));
  return {
    holding,
    release: () => release(),
    hooks: {
      beforeCommit: async () => {
        if (!armed) return;
        armed = false;
        entered();
        await released;
      },
    },
  };
}

for (const kind of backendKinds) {
  describe(`per-account limits [${kind}]`, () => {
    let db: TestDatabase;
    const servers: TestServer[] = [];
    beforeAll(async () => {
      db = await createTestDatabase(kind);
    });
    afterAll(async () => {
      for (const s of servers) await s.close();
      await db?.drop();
    });
    const serve = async (config: Partial<AppConfig>, hooks?: StoreHooks): Promise<TestServer> => {
      const s = await createTestServer({ backend: db.options(hooks ? { hooks } : {}), config });
      servers.push(s);
      return s;
    };

    it('refuses a push past the account’s storage with storage_full, storing none of it', async () => {
      const server = await serve({ accountMaxStoredBytes: 4_000 });
      const { token } = await server.register();
      const clientId = uuidv7();
      const small = makeActions(clientId, 3, server.clock.now());
      expect((await api(server.fetch, token).push(clientId, small)).head).toBe(3);
      const big = [makeAction(clientId, { ms: server.clock.now(), payload: { title: 'big', body: 'x'.repeat(4_000) } })];
      const refused = await expectError(await api(server.fetch, token).pushRaw({ clientId, actions: big }), 403, 'storage_full');
      expect(refused.message).toMatch(/storage for this account is full/);
      expect((await api(server.fetch, token).pull(0)).head).toBe(3);
      // What is already stored can still be pushed again (a retry): duplicates cost nothing.
      expect(await api(server.fetch, token).push(clientId, small)).toMatchObject({ accepted: [], duplicates: small.map((a) => a.id) });
      // Another account has its own quota.
      const other = await server.register();
      const theirs = uuidv7();
      expect((await api(server.fetch, other.token).push(theirs, makeActions(theirs, 3, server.clock.now()))).head).toBe(3);
    });

    it('refuses pushes past the per-minute rate with rate_limited and a Retry-After', async () => {
      const server = await serve({ pushesPerMinute: 3 });
      const { token } = await server.register();
      const clientId = uuidv7();
      for (let i = 0; i < 3; i++) await api(server.fetch, token).push(clientId, makeActions(clientId, 1, server.clock.now()));
      const res = await api(server.fetch, token).pushRaw({ clientId, actions: makeActions(clientId, 1, server.clock.now()) });
      const retry = Number(res.headers.get('retry-after'));
      await expectError(res, 429, 'rate_limited');
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect((await api(server.fetch, token).pull(0)).head).toBe(3);
      // Another account pushes on.
      const other = await server.register();
      const theirs = uuidv7();
      expect((await api(server.fetch, other.token).push(theirs, makeActions(theirs, 1, server.clock.now()))).head).toBe(1);
    });

    it('refuses a second push while the account’s one allowed push is in progress', async () => {
      const hold = holdNextPush();
      const server = await serve({ concurrentPushes: 1 }, hold.hooks);
      const { token } = await server.register();
      const clientId = uuidv7();
      const first = api(server.fetch, token).push(clientId, makeActions(clientId, 2, server.clock.now()));
      await hold.holding;
      await expectError(await api(server.fetch, token).pushRaw({ clientId, actions: makeActions(clientId, 1, server.clock.now()) }), 429, 'busy');
      hold.release();
      expect((await first).head).toBe(2);
      expect((await api(server.fetch, token).push(clientId, makeActions(clientId, 1, server.clock.now()))).head).toBe(3);
    });

    it('bounds pull pages by bytes as well as count, and always returns at least one action', async () => {
      const server = await serve({ pullMaxBytes: 3_000 });
      const { token } = await server.register();
      const clientId = uuidv7();
      const actions = Array.from({ length: 6 }, (_, i) => makeAction(clientId, { ms: server.clock.now(), payload: { title: `n${i}`, body: 'y'.repeat(900) } }));
      actions.push(makeAction(clientId, { ms: server.clock.now(), payload: { title: 'huge', body: 'z'.repeat(10_000) } }));
      await api(server.fetch, token).push(clientId, actions);
      const page = await api(server.fetch, token).pull(0, 1_000);
      expect(page.actions.length).toBeGreaterThan(0);
      expect(page.actions.length).toBeLessThan(6);
      expect(page.hasMore).toBe(true);
      const bytes = page.actions.reduce((n, a) => n + JSON.stringify(a.payload).length, 0);
      expect(bytes).toBeLessThanOrEqual(3_000);
      const last = await api(server.fetch, token).pull(6, 1_000);
      expect(last.actions.map((a) => a.payload.title)).toEqual(['huge']);
      expect((await api(server.fetch, token).pullAll()).map((a) => a.id)).toEqual(actions.map((a) => a.id));
    });

    it('refuses live streams past the per-account cap with too_many_streams', async () => {
      const live = await listen(db, { config: { liveStreamsPerAccount: 2 } });
      try {
        const user = await live.register();
        const streams = [await openSse(`${live.url}/api/sync/events`, bearer(user.token)), await openSse(`${live.url}/api/sync/events`, bearer(user.token))];
        for (const s of streams) await s.nextHead();
        const third = await live.fetch('/api/sync/events', { headers: bearer(user.token) });
        await expectError(third, 429, 'too_many_streams');
        const other = await live.register();
        const theirs = await openSse(`${live.url}/api/sync/events`, bearer(other.token));
        expect(await theirs.nextHead()).toBe(0);
        theirs.close();
        for (const s of streams) s.close();
      } finally {
        await live.server.close();
      }
    });

    it.runIf(kind === 'postgres')('refuses a push that waits past lock_timeout or runs past statement_timeout with busy, storing nothing', async () => {
      for (const timeouts of [{ lockTimeoutMs: 150 }, { lockTimeoutMs: 0, statementTimeoutMs: 150 }]) {
        const hold = holdNextPush();
        const server = await createTestServer({ backend: db.options({ hooks: hold.hooks, ...timeouts }) });
        servers.push(server);
        const { token } = await server.register();
        const clientId = uuidv7();
        const first = api(server.fetch, token).push(clientId, makeActions(clientId, 1, server.clock.now()));
        await hold.holding;
        // The same space: this push waits for the first one's lock, and gives up.
        const res = await api(server.fetch, token).pushRaw({ clientId, actions: makeActions(clientId, 2, server.clock.now()) });
        expect(res.headers.get('retry-after')).toBe('1');
        await expectError(res, 429, 'busy');
        hold.release();
        expect((await first).head).toBe(1);
        expect((await api(server.fetch, token).pull(0)).head).toBe(1);
      }
    });
  });
}
