// The push rate limit's leases (leasedLimiter.ts) over an in-memory count with the database's
// arithmetic (limiters.ts batchedUpserts: points added, the window restarted once its expire has
// passed): exactly the limit is granted per window, and an instance forgets accounts that stopped
// pushing instead of holding an entry for each for the life of the process.

import { describe, expect, it } from 'vitest';
import { leasedLimiter, type Upsert } from '../../../src/server/security/leasedLimiter';
import { memoryLimiters } from '../../../src/server/security/limiters';

function sharedCount() {
  const rows = new Map<string, { points: number; expire: number }>();
  return async ([key, points, expire, now]: Upsert) => {
    const row = rows.get(key);
    const next = row === undefined || row.expire <= now ? { points, expire: expire ?? now } : { points: row.points + points, expire: row.expire };
    rows.set(key, next);
    return { points: next.points, expire: String(next.expire) };
  };
}

describe('leased push limits', () => {
  const spec = { name: 'push', points: 10, windowMs: 60_000, lease: 3 };

  it('grants exactly the limit a window, then again once the window has passed', async () => {
    let t = 1_000_000;
    const limiter = leasedLimiter(spec, { upsert: sharedCount(), remove: async () => {}, fallback: memoryLimiters(spec), now: () => t });
    const verdicts = [];
    for (let i = 0; i < 15; i++) verdicts.push((await limiter.consume('acct')).allowed);
    expect(verdicts.filter(Boolean)).toHaveLength(10);
    t += spec.windowMs;
    expect((await limiter.consume('acct')).allowed).toBe(true);
  });

  it('forgets the accounts that stopped pushing once their window has passed', async () => {
    let t = 1_000_000;
    const limiter = leasedLimiter(spec, { upsert: sharedCount(), remove: async () => {}, fallback: memoryLimiters(spec), now: () => t });
    for (let i = 0; i < 500; i++) await limiter.consume(`acct-${i}`);
    for (let i = 0; i < 11; i++) await limiter.consume('blocked');
    expect(limiter.tracked()).toBe(501);
    t += spec.windowMs;
    await limiter.consume('still-pushing');
    expect(limiter.tracked()).toBe(1);
  });
});
