// Password hashing: OWASP's scrypt parameters by default, stored with each hash and raised at the
// next successful sign-in; a bounded gate so a storm of sign-ins with random usernames (which no
// per-account limit stops) is turned away at once while the server keeps serving.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashParams, hashPassword, OWASP_SCRYPT, verifyPassword } from '../../../src/server/auth';
import { loadConfig } from '../../../src/server/config';
import { Gate, GateFullError } from '../../../src/server/security/gate';
import { scryptPasswords, type Passwords } from '../../../src/server/security/passwords';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';

const json = { 'content-type': 'application/json' };
const login = (server: TestServer, username: string, password: string, address = '198.51.100.1') =>
  server.fetchFrom(address)('/api/auth/login', { method: 'POST', headers: json, body: JSON.stringify({ username, password }) });

describe('scrypt parameters', () => {
  it('new hashes meet OWASP’s minimum by default, and carry their parameters', async () => {
    const logN = loadConfig({}).scryptLogN;
    const hash = await hashPassword('a strong password', logN);
    expect(hashParams(hash)).toEqual(OWASP_SCRYPT);
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(await verifyPassword('a strong password', hash)).toBe(true);
  });

  it('verifies hashes made with other r and p, and refuses absurd ones', async () => {
    expect(hashParams('scrypt$12$4$2$AAAA$AAAA')).toEqual({ logN: 12, r: 4, p: 2 });
    expect(hashParams('scrypt$20$32$1$AAAA$AAAA')).toBeUndefined(); // 4 GiB of memory
    expect(hashParams('scrypt$9$8$1$AAAA$AAAA')).toBeUndefined();
    expect(hashParams('bcrypt$10$8$1$AAAA$AAAA')).toBeUndefined();
  });
});

describe('the hashing gate', () => {
  it('runs `concurrency` tasks, queues `queue` more, refuses the rest at once', async () => {
    const gate = new Gate(2, 3);
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    let ran = 0;
    const tasks = Array.from({ length: 8 }, () =>
      gate.run(async () => {
        ran++;
        await held;
      }),
    );
    const settled = Promise.allSettled(tasks);
    await Promise.resolve();
    expect(ran).toBe(2);
    release();
    const outcomes = await settled;
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof GateFullError)).toHaveLength(3);
    expect(ran).toBe(5);
  });
});

for (const kind of backendKinds) {
  describe(`password hashing on the server [${kind}]`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('redoes a hash made the old way (weaker parameters) at the next successful sign-in, not at a failed one', async () => {
      const server = await createTestServer({ backend: db.options(), config: { scryptLogN: 11 } });
      try {
        const { userId } = await server.register('old-hash', 'the password of old');
        // As the server before this change stored it: N=2^10 (then the tests' cost), r=8, p=1.
        const old = await hashPassword('the password of old', 10);
        await server.store.setPasswordHash(userId, old);
        expect((await login(server, 'old-hash', 'not the password')).status).toBe(401);
        expect((await server.store.findUserById(userId))?.passwordHash).toBe(old);

        expect((await login(server, 'old-hash', 'the password of old')).status).toBe(200);
        const renewed = (await server.store.findUserById(userId))!.passwordHash;
        expect(hashParams(renewed)).toEqual({ logN: 11, r: 8, p: 1 });
        expect((await login(server, 'old-hash', 'the password of old')).status).toBe(200);
        // Already at today's parameters: left as it is.
        expect((await server.store.findUserById(userId))!.passwordHash).toBe(renewed);
      } finally {
        await server.close();
      }
    });

    it('a storm of sign-ins with random usernames is refused past the hashing queue, and the server keeps serving', async () => {
      // The real gate, around checks held until the test lets them finish.
      let release = (): void => {};
      const held = new Promise<void>((r) => (release = r));
      const real = scryptPasswords({ scryptLogN: 10, concurrency: 1_000, queue: 0 });
      const gate = new Gate(1, 2);
      const STORM = 40;
      let arrived = 0;
      let allArrived = (): void => {};
      const everyoneAtTheGate = new Promise<void>((r) => (allArrived = r));
      const passwords: Passwords = {
        hash: (p) => real.hash(p),
        check: (p, stored) => {
          if (++arrived === STORM) allArrived();
          return gate.run(() => held.then(() => real.check(p, stored)));
        },
      };
      const server = await createTestServer({ backend: db.options(), passwords });
      try {
        const storm = Array.from({ length: STORM }, (_, i) => login(server, `random-${i}-${Math.random().toString(36).slice(2, 8)}`, 'some password', `203.0.113.${i}`));
        // While the storm waits on the gate, other requests are answered.
        await everyoneAtTheGate;
        const health = await server.fetch('/api/health');
        expect(health.status).toBe(200);
        release();
        const answers = await Promise.all(storm);
        const busy = answers.filter((r) => r.status === 503);
        expect(answers.filter((r) => r.status === 401)).toHaveLength(3);
        expect(busy).toHaveLength(STORM - 3);
        expect(busy[0]!.headers.get('retry-after')).toBe('1');
        expect(await busy[0]!.json()).toMatchObject({ error: { code: 'busy' } });
      } finally {
        await server.close();
      }
    });
  });
}
