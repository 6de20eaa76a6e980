// On PostgreSQL the rate limits' upserts of one moment go out as one statement (limiters.ts
// batchedUpserts). Each consume must still see the count it would have seen alone, so a burst of
// concurrent consumes is allowed exactly `points` times per key, whatever the batching.

import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { openPostgresStore } from '../../../src/server/store/postgres/postgresStore';
import { leasedLimiter } from '../../../src/server/security/leasedLimiter';
import { batchedUpserts, memoryLimiters, postgresLimiters, RATE_LIMIT_TABLE } from '../../../src/server/security/limiters';

describe.runIf(backendKinds.includes('postgres'))('batched rate-limit upserts on PostgreSQL', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = db.options();
    if (options.kind !== 'postgres') throw new Error('postgres expected');
    await (await openPostgresStore({ url: options.url, max: 1 })).close(); // the schema, with its table
    sql = postgres(options.url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('answers each concurrent upsert with the running count of its key, in arrival order', async () => {
    const upsert = batchedUpserts(sql);
    const now = Date.now();
    const keys = Array.from({ length: 60 }, (_, i) => `batch:${['a', 'b', 'c'][i % 3]}`);
    const rows = await Promise.all(keys.map((k) => upsert([k, 1, now + 60_000, now])));
    for (const key of new Set(keys)) {
      const seen = rows.filter((_, i) => keys[i] === key).map((r) => r.points);
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }
    const stored = await sql<{ key: string; points: number }[]>`SELECT key, points FROM ${sql(RATE_LIMIT_TABLE)} WHERE key LIKE 'batch:%' ORDER BY key`;
    expect(stored).toEqual([
      { key: 'batch:a', points: 20 },
      { key: 'batch:b', points: 20 },
      { key: 'batch:c', points: 20 },
    ]);
  });

  it('starts a key again once its window has passed, and takes points back (rewards)', async () => {
    const upsert = batchedUpserts(sql);
    const now = Date.now();
    await upsert(['window:k', 5, now - 1, now - 60_000]); // a window that has ended
    const [first, second, back] = await Promise.all([
      upsert(['window:k', 1, now + 60_000, now]),
      upsert(['window:k', 1, now + 60_000, now]),
      upsert(['window:k', -1, now + 60_000, now]),
    ]);
    expect([first!.points, second!.points, back!.points]).toEqual([1, 2, 1]);
    expect(Number(first!.expire)).toBe(now + 60_000);
  });

  it('a limiter allows a burst of concurrent consumes exactly its points, not a point more', async () => {
    const limiter = postgresLimiters(sql)({ name: 'burst', points: 7, windowMs: 60_000 });
    const verdicts = await Promise.all(Array.from({ length: 50 }, () => limiter.consume('one-account')));
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(7);
  });

  describe('leased (pushes)', () => {
    const lease = (name: string, points: number, now?: () => number) =>
      leasedLimiter(
        { name, points, windowMs: 60_000, lease: 4 },
        {
          upsert: batchedUpserts(sql),
          remove: async (key) => {
            await sql`DELETE FROM ${sql(RATE_LIMIT_TABLE)} WHERE key = ${key}`;
          },
          fallback: memoryLimiters({ name, points, windowMs: 60_000 }),
          ...(now ? { now } : {}),
        },
      );

    it('two instances leasing from one count allow exactly the limit between them', async () => {
      const [a, b] = [lease('two', 10), lease('two', 10)];
      const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consume('acct')));
      expect(verdicts.filter((v) => v.allowed)).toHaveLength(10);
      const refused = verdicts.find((v) => !v.allowed);
      expect(refused && !refused.allowed && refused.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Refused from memory afterwards, the count in the database untouched by it.
      const [row] = await sql<{ points: number }[]>`SELECT points FROM ${sql(RATE_LIMIT_TABLE)} WHERE key = 'two:acct'`;
      expect((await a.consume('acct')).allowed).toBe(false);
      const [again] = await sql<{ points: number }[]>`SELECT points FROM ${sql(RATE_LIMIT_TABLE)} WHERE key = 'two:acct'`;
      expect(again!.points).toBe(row!.points);
    });

    it('one instance allows exactly its points a window, and again once the window has passed', async () => {
      let clock = Date.now();
      const limiter = lease('window', 6, () => clock);
      const first = await Promise.all(Array.from({ length: 9 }, () => limiter.consume('acct')));
      expect(first.map((v) => v.allowed)).toEqual([true, true, true, true, true, true, false, false, false]);
      clock += 60_001;
      const second = await Promise.all(Array.from({ length: 9 }, () => limiter.consume('acct')));
      expect(second.filter((v) => v.allowed)).toHaveLength(6);
    });

    it('keys are counted apart, and a reset forgets one', async () => {
      const limiter = lease('keys', 2);
      expect((await Promise.all([1, 2, 3].map(() => limiter.consume('x')))).map((v) => v.allowed)).toEqual([true, true, false]);
      expect((await limiter.consume('y')).allowed).toBe(true);
      await limiter.reset('x');
      expect((await limiter.consume('x')).allowed).toBe(true);
    });
  });
});
