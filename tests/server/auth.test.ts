// Accounts and sessions: register, login, logout, token expiry, rate limits, what is stored.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, hashToken, verifyPassword } from '../../src/server/auth';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { expectError } from './helpers';

const post = (server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  server.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const a = await hashPassword('correct horse', 10);
    const b = await hashPassword('correct horse', 10);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAA$AAAA')).toBe(false);
  });
});

for (const kind of backendKinds) {
  describe(`accounts [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options(), config: { trustProxy: { hops: 1 }, loginMaxAttempts: 3 } });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    const me = (token: string) => server.fetch('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });

    it('registers, signs in with either case of the name, and refuses a taken name', async () => {
      const res = await post(server, '/api/auth/register', { username: 'Alice', password: 'password one' });
      expect(res.status).toBe(201);
      const reg = (await res.json()) as { token: string; userId: string; username: string; expiresAt: number };
      expect(reg).toMatchObject({ username: 'Alice', expiresAt: server.clock.now() + server.config.tokenTtlMs });
      expect(reg.token).toMatch(/^[\w-]{43}$/);

      await expectError(await post(server, '/api/auth/register', { username: 'alice', password: 'another one' }), 409, 'username_taken');

      const login = await post(server, '/api/auth/login', { username: 'ALICE', password: 'password one' });
      expect(login.status).toBe(200);
      const session = (await login.json()) as { token: string; userId: string };
      expect(session.userId).toBe(reg.userId);
      expect(session.token).not.toBe(reg.token);
      expect(await (await me(reg.token)).json()).toMatchObject({ userId: reg.userId, username: 'Alice' });
      expect((await me(session.token)).status).toBe(200);
    });

    it('stores an scrypt hash, not the password, and only a hash of each token', async () => {
      const { token } = await server.register('bob', 'bobs password');
      const user = await server.store.findUserByUsername('bob');
      expect(user?.passwordHash).toMatch(/^scrypt\$/);
      expect(user?.passwordHash).not.toContain('bobs password');
      expect(await server.store.findToken(token, server.clock.now())).toBeUndefined();
      expect(await server.store.findToken(hashToken(token), server.clock.now())).toMatchObject({ userId: user?.id });
    });

    it('answers a wrong password and an unknown user alike', async () => {
      await server.register('carol', 'carols password');
      const wrong = await expectError(await post(server, '/api/auth/login', { username: 'carol', password: 'not hers!' }), 401, 'invalid_credentials');
      const nobody = await expectError(await post(server, '/api/auth/login', { username: 'nobody', password: 'not hers!' }), 401, 'invalid_credentials');
      expect(wrong.message).toBe(nobody.message);
    });

    it('rate-limits sign-ins per username and address, and says when to come back', async () => {
      await server.register('dave', 'daves password');
      const from = (ip: string, password: string) => post(server, '/api/auth/login', { username: 'dave', password }, { 'x-forwarded-for': ip });
      for (let i = 0; i < 3; i++) expect((await from('10.0.0.1', 'guess guess')).status).toBe(401);
      const blocked = await from('10.0.0.1', 'daves password');
      await expectError(blocked, 429, 'rate_limited');
      // Slowed down for the window at most, never locked out for longer.
      const wait = Number(blocked.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(server.config.loginWindowMs / 1000);
      // Another address is not punished for the first one's guesses.
      expect((await from('10.0.0.2', 'daves password')).status).toBe(200);
    });

    it('validates credentials and names the problem', async () => {
      const short = await expectError(await post(server, '/api/auth/register', { username: 'erin', password: 'short' }), 400, 'bad_request');
      expect(short.message).toContain('password');
      const name = await expectError(await post(server, '/api/auth/register', { username: 'a b', password: 'long enough' }), 400, 'bad_request');
      expect(name.message).toContain('username');
      await expectError(await server.fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' }), 400, 'bad_request');
      // Anything but JSON is refused before it is read.
      await expectError(await server.fetch('/api/auth/login', { method: 'POST', body: 'username=erin&password=long+enough' }), 415, 'unsupported_media_type');
      await expectError(await post(server, '/api/auth/login', { username: 'erin', password: 'x'.repeat(5000) }), 413, 'payload_too_large');
    });

    it('logout revokes that token only', async () => {
      const first = await server.register('frank', 'franks password');
      const second = (await (await post(server, '/api/auth/login', { username: 'frank', password: 'franks password' })).json()) as { token: string };
      const out = await server.fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${first.token}` } });
      expect(out.status).toBe(200);
      await expectError(await me(first.token), 401, 'unauthorized');
      expect((await me(second.token)).status).toBe(200);
    });

    it('expires tokens after their lifetime, and sweeps them', async () => {
      const { token } = await server.register();
      server.clock.advance(server.config.tokenTtlMs - 1);
      expect((await me(token)).status).toBe(200);
      server.clock.advance(1);
      const res = await me(token);
      await expectError(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await server.store.deleteExpiredTokens(server.clock.now())).toBeGreaterThan(0);
    });
  });
}

describe('registration limit', () => {
  it('caps new accounts per address per hour, counted before the password is hashed', async () => {
    const server = await createTestServer({ config: { registerMaxPerWindow: 2 } });
    try {
      await server.register();
      await server.register();
      const refused = await post(server, '/api/auth/register', { username: 'third', password: 'long enough' });
      await expectError(refused, 429, 'rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
      expect(await server.store.findUserByUsername('third')).toBeUndefined();
      // Another address may still sign up.
      const elsewhere = await server.fetchFrom('10.9.8.7')('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'third', password: 'long enough' }),
      });
      expect(elsewhere.status).toBe(201);
    } finally {
      await server.close();
    }
  });
});
