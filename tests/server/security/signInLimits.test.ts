// Brute force against sign-in, on both stores: the limit is taken before the password is hashed
// and atomically, so a storm of concurrent guesses gets a fixed number of evaluations. The number
// asserted here: with LOGIN_MAX_ATTEMPTS = 5 (the default), 200 concurrent wrong passwords for one
// account from one address are evaluated exactly 5 times (at most 5, and the limit lets 5 through);
// the other 195 are refused with 429 before any hashing. Counts only, no timings.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, testAppConfig, type TestServer } from '../../../src/server/testing';
import { scryptPasswords, type Passwords } from '../../../src/server/security/passwords';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { startServerProcess, type ServerProcess } from '../processes';

const OWNER_PASSWORD = 'the owners password';
const STORM = 200;
const json = { 'content-type': 'application/json' };
/** A wrong password that passes validation (8 characters or more), so it reaches the limit and the hash. */
const guess = (i: number): string => `wrong guess ${i}`;

/** The real hashing, counting the password checks that ran. */
function countingPasswords(): Passwords & { checks: number } {
  const real = scryptPasswords({ scryptLogN: testAppConfig.scryptLogN, concurrency: 2, queue: 1_000 });
  const counted = {
    checks: 0,
    hash: (p: string) => real.hash(p),
    check: (p: string, stored: string | undefined) => {
      counted.checks++;
      return real.check(p, stored);
    },
  };
  return counted;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const login = (fetch: Fetch, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch('/api/auth/login', { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ username, password }) });

async function statuses(responses: Promise<Response>[]): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const res of await Promise.all(responses)) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

for (const kind of backendKinds) {
  describe(`sign-in limits [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let passwords: ReturnType<typeof countingPasswords>;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      passwords = countingPasswords();
      server = await createTestServer({ backend: db.options(), passwords, config: { trustProxy: { hops: 1 } } });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it(`${STORM} concurrent wrong passwords from one address are evaluated ${testAppConfig.loginMaxAttempts} times; the owner still signs in from another address`, async () => {
      await server.register('storm-target', OWNER_PASSWORD);
      const attacker = server.fetchFrom('203.0.113.66');
      const before = passwords.checks;
      const counts = await statuses(Array.from({ length: STORM }, (_, i) => login(attacker, 'storm-target', guess(i))));
      expect(passwords.checks - before).toBe(testAppConfig.loginMaxAttempts);
      expect(counts).toEqual({ 401: testAppConfig.loginMaxAttempts, 429: STORM - testAppConfig.loginMaxAttempts });
      // Even the right password waits at the attacker's address...
      expect((await login(attacker, 'storm-target', OWNER_PASSWORD)).status).toBe(429);
      // ...but not at the owner's.
      expect((await login(server.fetchFrom('198.51.100.1'), 'storm-target', OWNER_PASSWORD)).status).toBe(200);
    });

    it('a forged X-Forwarded-For does not buy new attempts: the hop the trusted proxy appended counts', async () => {
      await server.register('forged-target', OWNER_PASSWORD);
      const viaProxy = server.fetchFrom('10.0.0.2');
      const before = passwords.checks;
      const counts = await statuses(
        Array.from({ length: 50 }, (_, i) =>
          // The attacker writes any list; the proxy appends the address it saw.
          login(viaProxy, 'forged-target', guess(i), { 'x-forwarded-for': `192.0.2.${i}, 10.${i}.0.1, 203.0.113.77` }),
        ),
      );
      expect(passwords.checks - before).toBe(testAppConfig.loginMaxAttempts);
      expect(counts[429]).toBe(50 - testAppConfig.loginMaxAttempts);
    });

    it('one IPv6 /64 is one address', async () => {
      await server.register('v6-target', OWNER_PASSWORD);
      const before = passwords.checks;
      const counts = await statuses(
        Array.from({ length: 20 }, (_, i) => login(server.fetchFrom(`2001:db8:5:6::${(i + 1).toString(16)}`), 'v6-target', guess(i))),
      );
      expect(passwords.checks - before).toBe(testAppConfig.loginMaxAttempts);
      expect(counts[429]).toBe(20 - testAppConfig.loginMaxAttempts);
      expect((await login(server.fetchFrom('2001:db8:5:7::1'), 'v6-target', OWNER_PASSWORD)).status).toBe(200);
    });

    it('guesses spread over many addresses meet the per-account limit: the account is slowed down, not locked', async () => {
      await server.register('spread-target', OWNER_PASSWORD);
      const before = passwords.checks;
      const counts = await statuses(
        Array.from({ length: 40 }, (_, i) => login(server.fetchFrom(`198.51.100.${100 + i}`), 'spread-target', guess(i))),
      );
      expect(passwords.checks - before).toBe(testAppConfig.loginMaxPerAccount);
      expect(counts[429]).toBe(40 - testAppConfig.loginMaxPerAccount);
      const waiting = await login(server.fetchFrom('198.51.100.250'), 'spread-target', OWNER_PASSWORD);
      expect(waiting.status).toBe(429);
      // A wait of at most one window (Retry-After), after which the counters are empty again.
      expect(Number(waiting.headers.get('retry-after'))).toBeLessThanOrEqual(testAppConfig.loginWindowMs / 1000);
    });

    it('the owner’s own successful sign-ins never use up their attempts', async () => {
      await server.register('regular', OWNER_PASSWORD);
      const home = server.fetchFrom('198.51.100.2');
      for (let i = 0; i < testAppConfig.loginMaxAttempts * 3; i++) expect((await login(home, 'regular', OWNER_PASSWORD)).status).toBe(200);
    });

    it('unknown usernames are limited the same way', async () => {
      const before = passwords.checks;
      const counts = await statuses(Array.from({ length: 30 }, (_, i) => login(server.fetchFrom('203.0.113.90'), 'nobody-here', guess(i))));
      expect(passwords.checks - before).toBe(testAppConfig.loginMaxAttempts);
      expect(counts).toEqual({ 401: testAppConfig.loginMaxAttempts, 429: 30 - testAppConfig.loginMaxAttempts });
    });
  });
}

describe.runIf(backendKinds.includes('postgres'))('sign-in limits across two server processes on one PostgreSQL', () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const env = { ...db.env, TRUST_PROXY: '1' };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    const res = await fetch(`${a.url}/api/auth/register`, { method: 'POST', headers: json, body: JSON.stringify({ username: 'shared-target', password: OWNER_PASSWORD }) });
    expect(res.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it(`${STORM} concurrent wrong passwords split over both are evaluated 5 times in all`, async () => {
    const via = (server: ServerProcess): Fetch => (path, init) => fetch(`${server.url}${path}`, init);
    const attacker = { 'x-forwarded-for': '203.0.113.99' };
    const counts = await statuses(Array.from({ length: STORM }, (_, i) => login(via(i % 2 ? a : b), 'shared-target', guess(i), attacker)));
    expect(counts).toEqual({ 401: 5, 429: STORM - 5 });
    for (const server of [a, b]) expect((await login(via(server), 'shared-target', OWNER_PASSWORD, attacker)).status).toBe(429);
    expect((await login(via(b), 'shared-target', OWNER_PASSWORD, { 'x-forwarded-for': '198.51.100.3' })).status).toBe(200);
  });
});
