// Counters with a window (rate-limiter-flexible), behind one small interface: in this process's
// memory with the embedded SQLite store, in PostgreSQL when the server runs on it, so every server
// instance sharing the database shares the counts. A consume is one atomic statement (an upsert
// that adds the point and returns the total), so concurrent requests cannot all slip under a limit.
//
// RateLimiterPostgres talks to a node-postgres-like client ({query({text, values}) -> {rows,
// rowCount}}); the app's postgres.js pool is adapted to that shape rather than adding a second
// driver. The table is created by the store's migrations, not by the library.

import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Sql } from '../store/postgresStore';

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface Limiter {
  /** Takes one point for `key`; refused once the window's points are spent. */
  consume(key: string): Promise<Verdict>;
  /** Gives a point back (a sign-in that succeeded should not count against its owner). */
  reward(key: string): Promise<void>;
  /** Forgets the key's count. */
  reset(key: string): Promise<void>;
}

export interface LimiterSpec {
  /** Unique per limiter: the prefix of its keys. */
  readonly name: string;
  readonly points: number;
  readonly windowMs: number;
}

export type LimiterFactory = (spec: LimiterSpec) => Limiter;

/** The rate limits' table (PostgreSQL migrations create it). */
export const RATE_LIMIT_TABLE = 'rate_limits';

function wrap(limiter: RateLimiterAbstract): Limiter {
  return {
    consume: async (key) => {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (e) {
        // A refusal rejects with the counter's state; anything else is a failure to decide.
        if (e instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, e.msBeforeNext) };
        throw e;
      }
    },
    reward: async (key) => {
      await limiter.reward(key);
    },
    reset: async (key) => {
      await limiter.delete(key);
    },
  };
}

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

export const memoryLimiters: LimiterFactory = (spec) =>
  wrap(new RateLimiterMemory({ keyPrefix: spec.name, points: spec.points, duration: seconds(spec.windowMs) }));

interface PgLikeClient {
  query(q: { text: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }>;
}

function pgLike(sql: Sql): PgLikeClient {
  return {
    query: async ({ text, values = [] }) => {
      const rows = await sql.unsafe(text, values as never[], { prepare: true });
      return { rows: [...rows], rowCount: rows.count };
    },
  };
}

export function postgresLimiters(sql: Sql): LimiterFactory {
  const client = pgLike(sql);
  return (spec) => {
    const options = { keyPrefix: spec.name, points: spec.points, duration: seconds(spec.windowMs) };
    return wrap(
      new RateLimiterPostgres({
        ...options,
        storeClient: client,
        storeType: 'client',
        tableName: RATE_LIMIT_TABLE,
        tableCreated: true,
        // A key once refused is refused here without a round trip until its window ends: a flood
        // against one account costs the database one write per instance.
        inMemoryBlockOnConsumed: spec.points + 1,
        // The database unreachable: each instance still limits on its own rather than letting all through.
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    );
  };
}
