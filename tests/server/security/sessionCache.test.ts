import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../../src/server/security/sessionCache';
import type { TokenRecord } from '../../../src/server/store/types';

const record = (userId: string, expiresAt = 10_000): TokenRecord => ({ userId, username: userId, spaceId: `space of ${userId}`, expiresAt });

describe('SessionCache', () => {
  it('answers a session for its time to live, and never past the token’s expiry', () => {
    const cache = new SessionCache(100, 10);
    cache.set('h1', record('u1'), 0);
    cache.set('h2', record('u2', 50), 0);
    expect(cache.get('h1', 99)).toEqual(record('u1'));
    expect(cache.get('h1', 100)).toBeUndefined();
    expect(cache.get('h2', 49)).toEqual(record('u2', 50));
    expect(cache.get('h2', 50)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops ended sessions: one token, or every one of a user but the kept one', () => {
    const cache = new SessionCache(1_000, 10);
    for (const [hash, user] of [['a1', 'a'], ['a2', 'a'], ['a3', 'a'], ['b1', 'b']] as const) cache.set(hash, record(user), 0);
    cache.end({ tokenHash: 'a1' });
    expect(cache.get('a1', 1)).toBeUndefined();
    cache.end({ userId: 'a', except: 'a3' });
    expect(cache.get('a2', 1)).toBeUndefined();
    expect(cache.get('a3', 1)).toEqual(record('a'));
    expect(cache.get('b1', 1)).toEqual(record('b'));
    cache.end({ userId: 'a' });
    expect(cache.get('a3', 1)).toBeUndefined();
    cache.forget('b1');
    expect(cache.size).toBe(0);
  });

  it('holds at most `max` sessions, forgetting the oldest first', () => {
    const cache = new SessionCache(1_000, 2);
    cache.set('h1', record('u1'), 0);
    cache.set('h2', record('u2'), 0);
    cache.set('h3', record('u3'), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('h1', 1)).toBeUndefined();
    expect(cache.get('h3', 1)).toEqual(record('u3'));
  });
});
