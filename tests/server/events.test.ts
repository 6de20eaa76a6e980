// GET /api/sync/events over a real socket: the head on connect and whenever it moves, only for the
// token's own space, heartbeats, and streams that end on disconnect, token expiry and shutdown.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, makeActions, sleep } from './helpers';
import { listen, type Listening } from './listening';
import { bearer, openSse } from './sse';

for (const kind of backendKinds) {
  describe(`live events [${kind}]`, () => {
    let db: TestDatabase;
    let live: Listening;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      live = await listen(db, { config: { heartbeatMs: 100 } });
    });
    afterAll(async () => {
      await live?.server.close();
      await db?.drop();
    });

    const client = (token: string) => api((path, init) => live.fetch(path, init), token);

    it('sends the head on connect and whenever a push moves it', async () => {
      const user = await live.register();
      const clientId = uuidv7();
      const events = await openSse(`${live.url}/api/sync/events`, bearer(user.token));
      try {
        expect(events.status).toBe(200);
        expect(events.headers.get('content-type')).toContain('text/event-stream');
        expect(events.headers.get('cache-control')).toBe('no-store');
        expect(await events.next((m) => m.retry !== undefined)).toMatchObject({ retry: 5000 });
        expect(await events.nextHead()).toBe(0);
        await client(user.token).push(clientId, makeActions(clientId, 3));
        expect(await events.nextHead()).toBe(3);
        await client(user.token).push(clientId, makeActions(clientId, 2));
        expect(await events.nextHead()).toBe(5);
      } finally {
        events.close();
      }
    });

    it('never takes the token from the URL, where proxies and history would keep it', async () => {
      const user = await live.register();
      const res = await live.fetch(`/api/sync/events?token=${user.token}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
    });

    it('never tells one account about another’s pushes', async () => {
      const me = await live.register();
      const other = await live.register();
      const events = await openSse(`${live.url}/api/sync/events`, { authorization: `Bearer ${me.token}` });
      try {
        expect(await events.nextHead()).toBe(0);
        const theirs = uuidv7();
        await client(other.token).push(theirs, makeActions(theirs, 4));
        const mine = uuidv7();
        await client(me.token).push(mine, makeActions(mine, 1));
        // Had the other space's head (4) leaked, it would have come first.
        expect(await events.nextHead()).toBe(1);
      } finally {
        events.close();
      }
    });

    it('sends heartbeat comments while idle', async () => {
      const user = await live.register();
      const events = await openSse(`${live.url}/api/sync/events`, bearer(user.token));
      try {
        expect(await events.next((m) => m.comment === 'heartbeat', 2_000)).toMatchObject({ comment: 'heartbeat' });
        expect(await events.next((m) => m.comment === 'heartbeat', 2_000)).toMatchObject({ comment: 'heartbeat' });
      } finally {
        events.close();
      }
    });

    it('forgets a stream when its client goes away', async () => {
      const user = await live.register();
      const before = live.server.eventStreams();
      const events = await openSse(`${live.url}/api/sync/events`, bearer(user.token));
      await events.nextHead();
      expect(live.server.eventStreams()).toBe(before + 1);
      events.close();
      for (let i = 0; i < 50 && live.server.eventStreams() > before; i++) await sleep(20);
      expect(live.server.eventStreams()).toBe(before);
    });
  });

  describe(`event stream lifetime [${kind}]`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('ends the stream when the token expires', async () => {
      const live = await listen(db, { config: { tokenTtlMs: 800 } });
      try {
        const user = await live.register();
        const events = await openSse(`${live.url}/api/sync/events`, bearer(user.token));
        expect(await events.nextHead()).toBe(0);
        expect(await events.next((m) => m.event === 'head', 3_000)).toBeNull();
      } finally {
        await live.server.close();
      }
    });

    it('ends open streams on shutdown instead of waiting for them', async () => {
      const live = await listen(db);
      const user = await live.register();
      const events = await openSse(`${live.url}/api/sync/events`, bearer(user.token));
      expect(await events.nextHead()).toBe(0);
      const started = Date.now();
      await live.server.close();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await events.next(() => true, 2_000)).toBeNull();
    });
  });
}
