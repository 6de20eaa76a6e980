// The sync protocol as a client sees it (DESIGN.md section 4), against each backend.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, expectError, makeAction, makeActions } from './helpers';

for (const kind of backendKinds) {
  describe(`sync protocol [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options() });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    async function newUser() {
      const { token } = await server.register();
      return { token, client: api(server.fetch, token), clientId: uuidv7() };
    }

    it('push then pull returns the actions with seq 1..n, in push order, unchanged', async () => {
      const { client, clientId } = await newUser();
      const actions = makeActions(clientId, 5, server.clock.now());
      actions[2] = { ...makeAction(clientId, { ms: server.clock.now(), type: 'update' }), base: { title: '' } };
      const pushed = await client.push(clientId, actions);
      expect(pushed).toEqual({ accepted: actions.map((a) => a.id), duplicates: [], head: 5 });

      const page = await client.pull(0);
      expect(page.actions).toEqual(actions.map((a, i) => ({ ...a, seq: i + 1 })));
      expect(page).toMatchObject({ cursor: 5, head: 5, hasMore: false, serverTime: server.clock.now(), epoch: server.store.epoch });

      const more = makeActions(clientId, 2, server.clock.now());
      expect((await client.push(clientId, more)).head).toBe(7);
      const next = await client.pull(5);
      expect(next.actions.map((a) => a.seq)).toEqual([6, 7]);
      expect(next.actions.map((a) => a.id)).toEqual(more.map((a) => a.id));
    });

    it('pages with limit and hasMore until the head', async () => {
      const { client, clientId } = await newUser();
      const actions = makeActions(clientId, 7, server.clock.now());
      await client.push(clientId, actions);
      const pages = [];
      let cursor = 0;
      for (;;) {
        const page = await client.pull(cursor, 3);
        pages.push(page.actions.map((a) => a.seq));
        expect(page.cursor).toBe(page.actions.at(-1)?.seq ?? cursor);
        cursor = page.cursor;
        if (!page.hasMore) break;
        expect(page.head).toBe(7);
      }
      expect(pages).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
      const atHead = await client.pull(7, 3);
      expect(atHead).toMatchObject({ actions: [], cursor: 7, head: 7, hasMore: false });
    });

    it('returns a client its own actions, and those of the same account’s other devices', async () => {
      const { client, clientId } = await newUser();
      const laptop = uuidv7();
      await client.push(clientId, makeActions(clientId, 2, server.clock.now()));
      await client.push(laptop, makeActions(laptop, 1, server.clock.now()));
      const all = await client.pullAll();
      expect(all.map((a) => a.clientId)).toEqual([clientId, clientId, laptop]);
    });

    it('a retried push stores nothing new and reports the duplicates', async () => {
      const { client, clientId } = await newUser();
      const actions = makeActions(clientId, 3, server.clock.now());
      const first = await client.push(clientId, actions);
      const again = await client.push(clientId, actions);
      expect(again).toEqual({ accepted: [], duplicates: actions.map((a) => a.id), head: first.head });

      // A retry that overlaps new work: only the new actions get seqs.
      const extra = makeAction(clientId, { ms: server.clock.now() });
      const mixed = await client.push(clientId, [actions[0]!, extra, actions[0]!]);
      expect(mixed).toEqual({ accepted: [extra.id], duplicates: [actions[0]!.id, actions[0]!.id], head: 4 });
      const all = await client.pullAll();
      expect(all.map((a) => a.id)).toEqual([...actions.map((a) => a.id), extra.id]);
      expect(all.map((a) => a.seq)).toEqual([1, 2, 3, 4]);
    });

    it('rejects a batch with one invalid action, names it, and stores nothing', async () => {
      const { client, clientId } = await newUser();
      const actions = makeActions(clientId, 4, server.clock.now());
      const bad = { ...actions[2]!, payload: { title: 'x', colour: 'red' } };
      const res = await client.pushRaw({ clientId, actions: [actions[0], actions[1], bad, actions[3]] });
      const error = await expectError(res, 400, 'invalid_action');
      expect(error).toMatchObject({ index: 2, actionId: bad.id });
      expect(error.message).toContain('actions[2]');
      expect(error.message).toContain('unknown field "colour"');
      expect(await client.pull(0)).toMatchObject({ actions: [], head: 0 });

      // The client quarantines that one and pushes the rest.
      const rest = [actions[0]!, actions[1]!, actions[3]!];
      expect(await client.push(clientId, rest)).toMatchObject({ accepted: rest.map((a) => a.id), head: 3 });
    });

    it('names schema problems of an action: wrong types, missing fields, unknown collections', async () => {
      const { client, clientId } = await newUser();
      const good = makeAction(clientId, { ms: server.clock.now() });
      const cases: [unknown, string][] = [
        [{ ...good, entityId: 42 }, 'entityId'],
        [{ ...good, collection: 'todos' }, 'unknown collection'],
        [(({ hlc: _hlc, ...rest }) => rest)(good), 'hlc'],
        [{ ...good, type: 'rename' }, 'type'],
        [{ ...good, payload: { title: 'x'.repeat(1001) } }, 'title is longer than 1000'],
        [{ ...good, spaceId: uuidv7() }, 'spaceId'],
      ];
      for (const [action, mention] of cases) {
        const error = await expectError(await client.pushRaw({ clientId, actions: [action] }), 400, 'invalid_action');
        expect(error.message).toContain(mention);
        expect(error.index).toBe(0);
      }
      expect((await client.pull(0)).head).toBe(0);
    });

    it('refuses an action whose clientId is not the push’s', async () => {
      const { client, clientId } = await newUser();
      const other = uuidv7();
      const error = await expectError(await client.pushRaw({ clientId, actions: [makeAction(other, { ms: server.clock.now() })] }), 400, 'invalid_action');
      expect(error.message).toContain('clientId');
    });

    it('refuses an HLC more than five minutes ahead of the server clock, with its own code', async () => {
      const { client, clientId } = await newUser();
      const now = server.clock.now();
      const ok = makeAction(clientId, { ms: now + LIMITS.maxClockAheadMs });
      const ahead = makeAction(clientId, { ms: now + LIMITS.maxClockAheadMs + 1_000 });
      const error = await expectError(await client.pushRaw({ clientId, actions: [ok, ahead] }), 400, 'clock_ahead');
      expect(error).toMatchObject({ index: 1, actionId: ahead.id, serverTime: now });
      expect((await client.pull(0)).head).toBe(0);
      expect((await client.push(clientId, [ok])).accepted).toEqual([ok.id]);
    });

    it('rejects bad pull queries and treats a cursor beyond head as nothing to read', async () => {
      const { token, client } = await newUser();
      for (const q of ['', 'cursor=-1', 'cursor=abc', 'cursor=0&limit=0', `cursor=0&limit=${LIMITS.maxPullLimit + 1}`]) {
        await expectError(await client.pullRaw(q), 400, 'bad_request');
      }
      const page = await api(server.fetch, token).pull(50);
      expect(page).toMatchObject({ actions: [], cursor: 50, head: 0, hasMore: false, epoch: server.store.epoch });
    });

    it('caps a page at the limit asked for', async () => {
      const { client, clientId } = await newUser();
      await client.push(clientId, makeActions(clientId, 12, server.clock.now()));
      expect((await client.pull(0, 5)).actions).toHaveLength(5);
      expect((await client.pull(0)).actions).toHaveLength(12);
    });

    it('reports health with the store kind and epoch', async () => {
      const res = await server.fetch('/api/health');
      expect(await res.json()).toEqual({ ok: true, store: kind, epoch: server.store.epoch });
      expect(server.store.epoch).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps the epoch across reopening the same database', async () => {
      const again = await createTestServer({ backend: db.options() });
      try {
        expect(again.store.epoch).toBe(server.store.epoch);
      } finally {
        await again.close();
      }
    });
  });
}
