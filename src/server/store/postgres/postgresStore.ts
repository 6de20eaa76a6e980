// The production store: PostgreSQL through postgres.js with a connection pool.
//
// Concurrency: a push (postgresPush.ts) locks its space's counter row first (SELECT ... FOR UPDATE),
// so pushes to one space serialize while other spaces proceed; duplicates are computed after taking
// the lock, so a racing retry of the same batch cannot slip through twice. The new head commits in the same
// transaction as the rows, which makes seq gap-free and commit-ordered: a reader that sees head = h
// sees every action with seq <= h. (An auto-increment cursor would not: tests/server/race.test.ts.)
// The common push goes in group commits (postgresGroupPush.ts): one statement or transaction for the
// pushes that arrived while the previous group was in flight, each push as correct as alone.

import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { pageCursor } from '../compaction';
import { deleteCovered, storedRows } from './postgresCompaction';
import { ClientBindings, pushOnPostgres } from './postgresPush';
import { GROUPS_IN_FLIGHT, PushGroups } from './postgresGroupPush';
import { fromRow, ROW_OVERHEAD_BYTES, STORED_BYTES_SQL, SELECT_ACTION_COLUMNS, type StoredActionColumns } from '../rows';
import { postgresMigrations } from './postgresMigrations';
import type { PullPage, Store, StoreHooks, TokenRecord, UserRecord } from '../types';

export type Sql = postgres.Sql;

export interface PostgresStoreOptions {
  readonly url: string;
  /** Pool size; the URL's ?max= works too. */
  readonly max?: number;
  readonly hooks?: StoreHooks;
  /** A push waits at most this long for its space's lock (lock_timeout); 0 waits forever. */
  readonly lockTimeoutMs?: number;
  /** A push's statements may each take at most this long (statement_timeout); 0 has no limit. */
  readonly statementTimeoutMs?: number;
  /** Group commits of the common push in flight at once (postgresGroupPush.ts); 0: each push alone. */
  readonly pushGroupsInFlight?: number;
}

/**
 * Connections for pushes unless the URL's ?max= says otherwise: a push holds its connection through
 * its commit (the WAL flush), so fewer connections than pushes at once queue them in the pool; 16
 * clients pushing at once went ~1,450/s on postgres.js's default 10 and ~1,750-2,500/s on 16 (the
 * store alone, bench load).
 */
export const PUSH_POOL_SIZE = 20;

function pushPoolSize(url: string): number | undefined {
  try {
    return new URL(url).searchParams.has('max') ? undefined : PUSH_POOL_SIZE;
  } catch {
    return PUSH_POOL_SIZE;
  }
}

/** A timeout setting in whole milliseconds (0: none). */
const wholeMs = (n: number | undefined): number => Math.max(0, Math.floor(n ?? 0));

type UserRow = { id: string; username: string; password_hash: string; space_id: string };

function userRecord(row: UserRow | undefined): UserRecord | undefined {
  return row && { id: row.id, username: row.username, passwordHash: row.password_hash, spaceId: row.space_id };
}

export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  /** The pool, shared with the LISTEN/NOTIFY bus. */
  readonly sql: Sql;
}

async function migrate(sql: Sql): Promise<string> {
  return sql.begin(async (tx) => {
    // Two instances starting together on an empty database must not both create the schema.
    await tx`SELECT pg_advisory_xact_lock(hashtext('notes-migrations:' || current_schema()))`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`;
    const [row] = await tx<{ v: number | null }[]>`SELECT max(version) AS v FROM schema_migrations`;
    for (const m of postgresMigrations) {
      if (m.version <= (row?.v ?? 0)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${Date.now()})`;
    }
    await tx`INSERT INTO server_meta (key, value) VALUES ('epoch', ${randomUUID()}) ON CONFLICT (key) DO NOTHING`;
    const [meta] = await tx<{ value: string }[]>`SELECT value FROM server_meta WHERE key = 'epoch'`;
    return meta!.value;
  });
}

export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const sql = postgres(options.url, {
    ...(options.max !== undefined ? { max: options.max } : {}),
    onnotice: () => {},
  });
  // int8 columns (seq, head, times) come back as strings; Number() is exact far beyond their range.
  let epoch: string;
  try {
    epoch = await migrate(sql);
  } catch (e) {
    await sql.end({ timeout: 1 });
    throw e;
  }
  const hooks: StoreHooks = options.hooks ?? {};
  const bindings = new ClientBindings();
  // Pushes have connections of their own, whose sessions carry the push's timeouts: the common push
  // is one statement outside any transaction (postgresFastPush.ts), with nowhere to SET LOCAL them.
  const pushSql = postgres(options.url, {
    max: options.max ?? pushPoolSize(options.url),
    onnotice: () => {},
    connection: {
      lock_timeout: wholeMs(options.lockTimeoutMs),
      statement_timeout: wholeMs(options.statementTimeoutMs),
    },
  });

  const inFlight = options.pushGroupsInFlight ?? GROUPS_IN_FLIGHT;
  const groups = inFlight > 0 ? new PushGroups(pushSql, hooks, inFlight) : undefined;

  // Made once, not per push (the spread showed in the push's profile).
  const pushOptions = { ...options, hooks, bindings, ...(groups ? { groups } : {}) };

  const readHead = async (spaceId: string): Promise<number> => {
    const [row] = await sql<{ head: string }[]>`SELECT head FROM spaces WHERE id = ${spaceId}`;
    return row ? Number(row.head) : 0;
  };

  return {
    kind: 'postgres',
    epoch,
    sql,

    createUser: async (u) => {
      try {
        await sql.begin(async (tx) => {
          await tx`INSERT INTO spaces (id, head, created_at) VALUES (${u.spaceId}, 0, ${u.createdAt})`;
          await tx`INSERT INTO users (id, username, password_hash, space_id, created_at)
                   VALUES (${u.id}, ${u.username}, ${u.passwordHash}, ${u.spaceId}, ${u.createdAt})`;
        });
        return true;
      } catch (e) {
        if (e instanceof postgres.PostgresError && e.code === '23505' && e.constraint_name === 'users_username') return false;
        throw e;
      }
    },

    findUserByUsername: async (username): Promise<UserRecord | undefined> => {
      const [row] = await sql<UserRow[]>`
        SELECT id, username, password_hash, space_id FROM users WHERE lower(username) = lower(${username})`;
      return userRecord(row);
    },

    findUserById: async (id) => {
      const [row] = await sql<UserRow[]>`SELECT id, username, password_hash, space_id FROM users WHERE id = ${id}`;
      return userRecord(row);
    },

    setPasswordHash: async (userId, hash, endSessions) => {
      await sql.begin(async (tx) => {
        await tx`UPDATE users SET password_hash = ${hash} WHERE id = ${userId}`;
        if (endSessions) await tx`DELETE FROM tokens WHERE user_id = ${userId} AND hash <> ${endSessions.keep ?? ''}`;
      });
    },

    deleteUser: async (userId, now) => {
      // Again once deleted: a push that committed while the deletion waited for its lock remembered it.
      bindings.forgetUser(userId);
      const deleted = await sql.begin(async (tx) => {
        const [user] = await tx<UserRow[]>`SELECT id, username, password_hash, space_id FROM users WHERE id = ${userId} FOR UPDATE`;
        if (!user) return false;
        // The space's counter row too: a push in flight finishes first, a later one finds no space.
        await tx`SELECT 1 FROM spaces WHERE id = ${user.space_id} FOR UPDATE`;
        await tx`INSERT INTO deleted_account_tokens (hash, expires_at)
                 SELECT hash, expires_at FROM tokens WHERE user_id = ${userId} AND expires_at > ${now}
                 ON CONFLICT (hash) DO NOTHING`;
        await tx`DELETE FROM tokens WHERE user_id = ${userId}`;
        await tx`DELETE FROM actions WHERE space_id = ${user.space_id}`;
        await tx`DELETE FROM clients WHERE user_id = ${userId} OR space_id = ${user.space_id}`;
        await tx`DELETE FROM users WHERE id = ${userId}`;
        await tx`DELETE FROM spaces WHERE id = ${user.space_id}`;
        return true;
      });
      bindings.forgetUser(userId);
      return deleted;
    },

    isDeletedAccountToken: async (hash, now) =>
      (await sql`SELECT 1 FROM deleted_account_tokens WHERE hash = ${hash} AND expires_at > ${now}`).length > 0,

    createToken: async (t, maxPerUser) => {
      await sql.begin(async (tx) => {
        await tx`DELETE FROM tokens WHERE user_id = ${t.userId} AND expires_at <= ${t.createdAt}`;
        await tx`INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES (${t.hash}, ${t.userId}, ${t.createdAt}, ${t.expiresAt})`;
        if (maxPerUser === undefined) return;
        await tx`DELETE FROM tokens WHERE user_id = ${t.userId} AND hash <> ${t.hash} AND hash NOT IN (
                   SELECT hash FROM tokens WHERE user_id = ${t.userId} AND hash <> ${t.hash}
                   ORDER BY created_at DESC LIMIT ${Math.max(0, maxPerUser - 1)})`;
      });
    },

    findToken: async (hash, now): Promise<TokenRecord | undefined> => {
      const [row] = await sql<{ user_id: string; username: string; space_id: string; expires_at: string }[]>`
        SELECT t.user_id, u.username, u.space_id, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id
        WHERE t.hash = ${hash} AND t.expires_at > ${now}`;
      return row && { userId: row.user_id, username: row.username, spaceId: row.space_id, expiresAt: Number(row.expires_at) };
    },

    deleteToken: async (hash) => {
      await sql`DELETE FROM tokens WHERE hash = ${hash}`;
    },

    deleteUserTokens: async (userId, except) => (await sql`DELETE FROM tokens WHERE user_id = ${userId} AND hash <> ${except ?? ''}`).count,

    deleteExpiredTokens: async (now) =>
      (await sql`DELETE FROM tokens WHERE expires_at <= ${now}`).count +
      (await sql`DELETE FROM deleted_account_tokens WHERE expires_at <= ${now}`).count,

    push: (input) => pushOnPostgres(pushSql, input, pushOptions),

    pull: async (spaceId, cursor, limit, maxBytes = Infinity): Promise<PullPage> => {
      // Head first: everything with seq <= head committed with or before it, so the page below has
      // no holes even while other pushes commit between the two statements.
      const head = await readHead(spaceId);
      // The byte budget as a running sum over the page (octet_length reads a TOASTed value's size
      // without fetching it), so rows past the budget are never sent over the wire.
      const budget = Number.isFinite(maxBytes) ? maxBytes : Number.MAX_SAFE_INTEGER;
      const rows = await sql<(StoredActionColumns & { total: string })[]>`
        SELECT ${sql.unsafe(SELECT_ACTION_COLUMNS)}, total FROM (
          SELECT *, row_number() OVER w AS n, count(*) OVER () AS total,
                 sum(${sql.unsafe(STORED_BYTES_SQL.postgres)} + ${ROW_OVERHEAD_BYTES}) OVER w AS upto
          FROM (
            SELECT ${sql.unsafe(SELECT_ACTION_COLUMNS)} FROM actions
            WHERE space_id = ${spaceId} AND seq > ${cursor} AND seq <= ${head} AND covered_at IS NULL
            ORDER BY seq LIMIT ${limit}
          ) page
          WINDOW w AS (ORDER BY seq)
        ) sized
        WHERE n = 1 OR upto <= ${budget}
        ORDER BY seq`;
      // A page the byte budget cut short ends at its last row, not at head.
      const cut = rows.length > 0 && rows.length < Number(rows[0]!.total);
      return { actions: rows.map(fromRow), head, cursor: pageCursor(cursor, head, rows, limit, cut) };
    },

    head: readHead,

    deleteCovered: (coveredBefore, limit) => deleteCovered(sql, coveredBefore, limit),

    storedRows: (spaceId) => storedRows(sql, spaceId),

    ping: async () => {
      await sql`SELECT 1`;
    },

    close: async () => {
      await Promise.all([pushSql.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
    },
  };
}
