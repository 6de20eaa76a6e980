// Every API route, fuzzed: generated bodies, query strings and headers (content types, tokens,
// forwarded-for chains, stray headers). Whatever arrives, the answer is a 4xx in the protocol's
// error shape (or the 200 of a plain read with a good token), nothing is stored, and the server
// keeps serving. Plus the named attacks: prototype keys and inherited field names in a push.

import fc from 'fast-check';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../../src/sync/protocol';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { api, expectError, makeAction } from '../helpers';

const RUNS = Number(process.env.FC_RUNS ?? 150);

const routes = [
  ['POST', '/api/auth/register'],
  ['POST', '/api/auth/login'],
  ['POST', '/api/auth/logout'],
  ['GET', '/api/auth/me'],
  ['POST', '/api/auth/password'],
  ['POST', '/api/auth/logout-everywhere'],
  ['POST', '/api/auth/delete'],
  ['POST', '/api/sync/push'],
  ['GET', '/api/sync/pull'],
  ['GET', '/api/sync/events'],
  ['GET', '/api/health'],
  ['POST', '/api/no/such/route'],
] as const;

/** Reads that may answer 200 to a good token (their input is only the query). */
const plainReads = new Set(['/api/auth/me', '/api/sync/pull', '/api/health']);
/** Routes whose effect needs nothing but a good token: not fuzzed with one (it would just sign out). */
const tokenIsEnough = new Set(['/api/auth/logout', '/api/auth/logout-everywhere', '/api/sync/events']);

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"username":"someone","password":"long enough","\\u005f_proto__":1}',
    '{"clientId":"x","actions":[{"payload":{"toString":"y"}}]}',
    '{"currentPassword":"x","newPassword":"' + 'p'.repeat(300) + '"}',
  ),
  fc.integer({ min: 5_000, max: 20_000 }).map((n) => JSON.stringify({ username: 'u'.repeat(n), password: 'x' })),
);

for (const kind of backendKinds) {
  describe(`every route, fuzzed [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let token: string;
    let userId: string;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options(), config: { trustProxy: { hops: 1 } } });
      ({ token, userId } = await server.register('fuzz-owner', 'the owners password'));
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it('answers anything with a 4xx (or a plain read), stores nothing, and keeps serving', async () => {
      const request = fc.record({
        route: fc.constantFrom(...routes),
        query: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
        auth: fc.oneof(fc.constant(null), printable(60), fc.constant('good'), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((t) => `Bearer ${t}`)),
        contentType: fc.oneof(fc.constant(null), fc.constant('application/json'), printable(40)),
        forwardedFor: fc.option(printable(80)),
        stray: fc.option(fc.tuple(fc.stringMatching(/^x-[a-z]{1,12}$/), printable(40))),
        body: fc.option(body),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const [method, path] = r.route;
          fc.pre(!(r.auth === 'good' && tokenIsEnough.has(path)));
          const headers: Record<string, string> = {};
          if (r.auth !== null) headers.authorization = r.auth === 'good' ? `Bearer ${token}` : r.auth;
          if (r.contentType !== null) headers['content-type'] = r.contentType;
          if (r.forwardedFor !== null) headers['x-forwarded-for'] = r.forwardedFor;
          if (r.stray !== null) headers[r.stray[0]] = r.stray[1];
          const query = new URLSearchParams(r.query).toString();
          const res = await server.fetch(`${path}${query ? `?${query}` : ''}`, {
            method,
            headers,
            ...(method === 'POST' && r.body !== null ? { body: r.body } : {}),
          });
          const text = await res.text();
          if (res.status < 400) {
            expect(plainReads.has(path) && (r.auth === 'good' || path === '/api/health'), `${res.status} for ${method} ${path}`).toBe(true);
            return;
          }
          expect(res.status, text.slice(0, 200)).toBeLessThan(500);
          expect(v.is(ErrorBodySchema, JSON.parse(text)), text.slice(0, 200)).toBe(true);
          // Nothing long comes back: errors never echo their input.
          expect(text.length).toBeLessThan(600);
        }),
        { numRuns: RUNS },
      );
      expect(await db.count('actions')).toBe(0);
      expect(await db.count('users')).toBe(1);
      expect(await db.count('clients')).toBe(0);
      expect(await db.count('tokens', `user_id = '${userId}'`)).toBe(1);
      expect((await server.fetch('/api/health')).status).toBe(200);
      const clientId = uuidv7();
      expect((await api(server.fetch, token).push(clientId, [makeAction(clientId, { ms: server.clock.now() })])).head).toBe(1);
    });

    it('refuses fields a payload inherits or that name the prototype, however long', async () => {
      const clientId = uuidv7();
      const valid = (payload: Record<string, string>) => ({ ...makeAction(clientId, { ms: server.clock.now() }), payload });
      const long = 'x'.repeat(100_000);
      const pushText = (text: string) =>
        server.fetch('/api/sync/push', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: text });
      const before = (await api(server.fetch, token).pull(0)).head;
      for (const field of ['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
        const error = await expectError(await api(server.fetch, token).pushRaw({ clientId, actions: [valid({ title: 'ok', [field]: long })] }), 400, 'invalid_action');
        expect(error.message.length).toBeLessThan(300);
      }
      for (const key of ['__proto__', '\\u005f\\u005fproto__', 'constructor', 'prototype']) {
        const text = JSON.stringify({ clientId, actions: [valid({ title: 'ok' })] }).replace('"title":"ok"', `"title":"ok","${key}":"${long}"`);
        const error = await expectError(await pushText(text), 400, 'bad_request');
        expect(error.message).not.toContain(long.slice(0, 100));
      }
      expect((await api(server.fetch, token).pull(0)).head).toBe(before);
    });
  });
}
