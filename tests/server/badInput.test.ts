// Malformed requests, generated: wrong types, missing fields, huge strings, unknown collections and
// fields, forged keys, bad JSON, oversized bodies. Each must get a 4xx with a JSON error, write
// nothing (no actions, no clientId binding), and leave the server serving.
//
// Every generated body is invalid by construction (the generator breaks a valid body in one known
// way), so the test does not lean on the server's own validator to decide what is invalid.

import fc from 'fast-check';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/sync/action';
import { ErrorBodySchema, LIMITS, UUID_PATTERN } from '../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, makeAction } from './helpers';

const RUNS = Number(process.env.FC_RUNS ?? 60);

const notString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const notObject = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
const hugeString = fc.integer({ min: 1_001, max: 20_000 }).map((n) => 'é'.repeat(n));
const notUuid = fc.oneof(fc.string({ maxLength: 40 }), hugeString).filter((s) => !UUID_PATTERN.test(s));

type Breakage = (a: Record<string, unknown>) => Record<string, unknown>;

/** One way to make a valid action invalid. */
const breakAction: fc.Arbitrary<Breakage> = fc.oneof(
  fc.tuple(fc.constantFrom('id', 'collection', 'entityId', 'type', 'hlc', 'clientId'), notString).map(([k, val]): Breakage => (a) => ({ ...a, [k]: val })),
  notObject.map((val): Breakage => (a) => ({ ...a, payload: val })),
  fc.constantFrom('id', 'collection', 'entityId', 'type', 'payload', 'hlc', 'clientId').map((k): Breakage => (a) => {
    const copy = { ...a };
    delete copy[k];
    return copy;
  }),
  fc.tuple(fc.constantFrom('id', 'entityId', 'clientId'), notUuid).map(([k, val]): Breakage => (a) => ({ ...a, [k]: val })),
  fc.string({ maxLength: 30 }).filter((c) => c !== 'notes').map((c): Breakage => (a) => ({ ...a, collection: c })),
  fc.string({ maxLength: 20 }).filter((t) => !['create', 'update', 'delete', 'restore', 'purge'].includes(t)).map((t): Breakage => (a) => ({ ...a, type: t })),
  fc.string({ maxLength: 60 }).map((h): Breakage => (a) => ({ ...a, hlc: h })),
  hugeString.map((s): Breakage => (a) => ({ ...a, payload: { title: s } })),
  fc.string({ minLength: 1, maxLength: 20 }).filter((f) => f !== 'title' && f !== 'body').map((f): Breakage => (a) => ({ ...a, payload: { [f]: 'x' } })),
  fc.oneof(notString.filter((x) => typeof x !== 'string'), fc.constant(undefined).map(() => 1)).map((val): Breakage => (a) => ({ ...a, payload: { title: val } })),
  fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !['id', 'collection', 'entityId', 'type', 'payload', 'hlc', 'clientId', 'base'].includes(k)).map((k): Breakage => (a) => ({ ...a, [k]: 'forged' })),
  fc.constant<Breakage>((a) => ({ ...a, type: 'delete', payload: { title: 'x' } })),
  fc.constant<Breakage>((a) => ({ ...a, type: 'update', payload: {} })),
);

/** One way to make a valid push body invalid: at the top level, or in one of its actions. */
function brokenPushBody(clientId: string, now: number): fc.Arbitrary<unknown> {
  const valid = (n: number): Action[] => Array.from({ length: n }, () => makeAction(clientId, { ms: now }));
  return fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.nat(), breakAction).map(([n, at, breakIt]) => {
      const actions: unknown[] = valid(n);
      const i = at % n;
      actions[i] = breakIt(actions[i] as Record<string, unknown>);
      return { clientId, actions };
    }),
    fc.jsonValue().filter((j) => typeof j !== 'object' || j === null || Array.isArray(j) || !('actions' in j)),
    notString.map((c) => ({ clientId: c, actions: valid(1) })),
    notUuid.map((c) => ({ clientId: c, actions: valid(1) })),
    fc.oneof(notObject, fc.object({ maxDepth: 1 })).map((acts) => ({ clientId, actions: acts })),
    fc.constant({ clientId, actions: [] }),
    fc.constant({ clientId }),
    fc.constant({ actions: valid(1) }),
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== 'clientId' && k !== 'actions').map((k) => ({ clientId, actions: valid(1), [k]: uuidv7() })),
    fc.constant(null).map(() => ({ clientId, actions: Array.from({ length: LIMITS.maxActionsPerPush + 1 }, () => valid(1)[0]) })),
    fc.constant(null).map(() => ({ clientId, actions: [makeAction(uuidv7(), { ms: now })] })),
  );
}

const notJson = fc.oneof(
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.integer({ min: 1, max: 60 }).map((n) => JSON.stringify({ clientId: uuidv7(), actions: [{ id: 'x' }] }).slice(0, n)),
);

for (const kind of backendKinds) {
  describe(`bad input [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let token: string;
    const clientId = uuidv7();

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options() });
      token = (await server.register()).token;
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    const post = (path: string, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
      server.fetch(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
        body,
        ...(typeof body === 'string' ? {} : { duplex: 'half' }),
      } as RequestInit);

    async function expect4xx(res: Response): Promise<void> {
      const body: unknown = await res.json();
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(v.is(ErrorBodySchema, body), JSON.stringify(body)).toBe(true);
    }

    async function expectNothingStored(): Promise<void> {
      expect((await api(server.fetch, token).pull(0)).head).toBe(0);
    }

    it('rejects generated malformed push bodies with a 4xx and stores nothing', async () => {
      await fc.assert(
        fc.asyncProperty(brokenPushBody(clientId, server.clock.now()), async (body) => {
          await expect4xx(await post('/api/sync/push', JSON.stringify(body)));
        }),
        { numRuns: RUNS },
      );
      await expectNothingStored();
    });

    it('rejects bodies that are not JSON', async () => {
      await fc.assert(
        fc.asyncProperty(notJson, async (text) => {
          const res = await post('/api/sync/push', text);
          await expect4xx(res);
          expect(res.status).toBe(400);
        }),
        { numRuns: RUNS },
      );
      await expectNothingStored();
    });

    it('rejects oversized bodies with 413, with or without a Content-Length', async () => {
      const big = 'x'.repeat(LIMITS.maxPushBytes + 1);
      const declared = await post('/api/sync/push', big);
      expect(declared.status).toBe(413);
      await expect4xx(declared);

      const chunk = new TextEncoder().encode('y'.repeat(1024 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ > LIMITS.maxPushBytes / chunk.length + 1) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const chunked = await post('/api/sync/push', stream);
      expect(chunked.status).toBe(413);
      await expectNothingStored();
    });

    it('rejects generated malformed pull queries with 400, never an error', async () => {
      const queryValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.double().map(String), hugeString);
      await fc.assert(
        fc.asyncProperty(queryValue, fc.option(queryValue), async (cursor, limit) => {
          const q = new URLSearchParams({ cursor, ...(limit === null ? {} : { limit }) });
          const res = await api(server.fetch, token).pullRaw(q.toString());
          const valid = /^\d{1,15}$/.test(cursor) && (limit === null || (/^\d{1,5}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= LIMITS.maxPullLimit));
          if (valid) expect(res.status).toBe(200);
          else await expect4xx(res);
        }),
        { numRuns: RUNS },
      );
    });

    it('rejects generated malformed credentials with a 4xx', async () => {
      const creds = fc.oneof(
        fc.jsonValue(),
        fc.record({ username: fc.oneof(notString, fc.string({ maxLength: 2 }), fc.string().filter((s) => /[^A-Za-z0-9_.@-]/.test(s.trim()))), password: fc.string({ minLength: 8 }) }),
        fc.record({ username: fc.constant('someone'), password: fc.oneof(notString, fc.string({ maxLength: 7 })) }),
      );
      await fc.assert(
        fc.asyncProperty(creds, fc.constantFrom('/api/auth/register', '/api/auth/login'), async (body, path) => {
          await expect4xx(await post(path, JSON.stringify(body)));
        }),
        { numRuns: RUNS },
      );
    });

    it('has bound no clientId and keeps serving after all of it', async () => {
      // The bad pushes above used `clientId`; had any reached the store it would now be bound to this
      // account, and another account could not use it.
      const other = await server.register();
      const action = makeAction(clientId, { ms: server.clock.now() });
      expect(await api(server.fetch, other.token).push(clientId, [action])).toMatchObject({ accepted: [action.id], head: 1 });
      await expectNothingStored();
      expect((await server.fetch('/api/health')).status).toBe(200);
    });
  });
}
