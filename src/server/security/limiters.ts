// Counters with a window (rate-limiter-flexible), behind one small interface: in this process's
// memory with the embedded SQLite store, in PostgreSQL when the server runs on it, so every server
// instance sharing the database shares the counts. A consume is one atomic statement (an upsert
// that adds the point and returns the total), so concurrent requests cannot all slip under a limit.
//
// RateLimiterPostgres talks to a node-postgres-like client ({query({text, values}) -> {rows,
// rowCount}}); the app's postgres.js pool is adapted to that shape rather than adding a second
// driver. The table is created by the store's migrations, not by the library.

import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Sql } from '../store/postgres/postgresStore';
import { leasedLimiter, type Upsert, type UpsertFn } from './leasedLimiter';

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
  /**
   * On PostgreSQL, points taken from the database at once and spent from this instance's memory
   * (leasedLimiter.ts); absent or 1: every consume asks the database.
   */
  readonly lease?: number;
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
  query(q: { text: string; name?: string; values?: unknown[] }): Promise<{ rows: unknown[]; rowCount: number }>;
}

/** The name RateLimiterPostgres gives its consume/reward upsert (its table name, then its own). */
const UPSERT_NAME = `${RATE_LIMIT_TABLE}:rlflx-upsert`;

interface Waiting {
  readonly upsert: Upsert;
  resolve(row: { points: number; expire: string | null }): void;
  reject(e: unknown): void;
}

/**
 * The library's upserts of one moment go out as one statement: every push takes a point, and a
 * statement (with its socket write, wakeups and commit) per push cost as much as a third of the
 * push's own transaction. While one batch is in flight the next gathers; each key appears once in a
 * statement with its points summed, and each waiting upsert is answered with the count it would
 * have seen applied alone, in arrival order (the running sum). Same rows, same arithmetic as the
 * library's statement (rate-limiter-flexible RateLimiterPostgres._upsert, forceExpire false).
 */
export function batchedUpserts(sql: Sql): UpsertFn {
  let gathering: Waiting[] = [];
  let inFlight = false;
  const send = async (batch: Waiting[]): Promise<void> => {
    const byKey = new Map<string, { points: number; expire: number | null }>();
    let now = 0;
    for (const { upsert: [key, points, expire, at] } of batch) {
      const k = byKey.get(key);
      if (k) k.points += points;
      else byKey.set(key, { points, expire });
      now = Math.max(now, at);
    }
    const upserts = JSON.stringify([...byKey].map(([key, u]) => ({ key, ...u })));
    const rows = await sql<{ key: string; points: number; expire: string | null }[]>`
      INSERT INTO ${sql(RATE_LIMIT_TABLE)} AS r (key, points, expire)
      SELECT key, points, expire FROM json_to_recordset(${upserts}::text::json) AS u(key text, points integer, expire bigint)
      ON CONFLICT (key) DO UPDATE SET
        points = CASE WHEN r.expire <= ${now} THEN excluded.points ELSE r.points + excluded.points END,
        expire = CASE WHEN r.expire <= ${now} THEN excluded.expire ELSE r.expire END
      RETURNING key, points, expire`;
    const after = new Map(rows.map((r) => [r.key, r]));
    // Walk the batch backwards: each upsert saw the total less what came after it.
    const later = new Map<string, number>();
    for (let i = batch.length - 1; i >= 0; i--) {
      const { upsert: [key, points], resolve, reject } = batch[i]!;
      const row = after.get(key);
      if (!row) {
        reject(new Error('rate limit upsert returned no row'));
        continue;
      }
      const seenLater = later.get(key) ?? 0;
      later.set(key, seenLater + points);
      resolve({ points: row.points - seenLater, expire: row.expire });
    }
  };
  const flush = (): void => {
    const batch = gathering;
    gathering = [];
    inFlight = true;
    send(batch)
      .catch((e: unknown) => batch.forEach((w) => w.reject(e)))
      .finally(() => {
        inFlight = false;
        if (gathering.length > 0) flush();
      });
  };
  return (upsert) =>
    new Promise((resolve, reject) => {
      gathering.push({ upsert, resolve, reject });
      if (!inFlight) flush();
    });
}

function pgLike(sql: Sql, upsert: UpsertFn): PgLikeClient {
  return {
    query: async ({ text, name, values = [] }) => {
      if (name === UPSERT_NAME) {
        const [key, points, expire, now] = values as [string, number, number | null, number];
        return { rows: [await upsert([key, points, expire, now])], rowCount: 1 };
      }
      const rows = await sql.unsafe(text, values as never[], { prepare: true });
      return { rows: [...rows], rowCount: rows.count };
    },
  };
}

export function postgresLimiters(sql: Sql): LimiterFactory {
  const upsert = batchedUpserts(sql);
  const client = pgLike(sql, upsert);
  return (spec) => {
    const options = { keyPrefix: spec.name, points: spec.points, duration: seconds(spec.windowMs) };
    if (spec.lease !== undefined && spec.lease > 1) {
      return leasedLimiter(
        { name: spec.name, points: spec.points, windowMs: seconds(spec.windowMs) * 1000, lease: spec.lease },
        {
          upsert,
          remove: async (key) => {
            await sql`DELETE FROM ${sql(RATE_LIMIT_TABLE)} WHERE key = ${key}`;
          },
          fallback: wrap(new RateLimiterMemory(options)),
        },
      );
    }
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
