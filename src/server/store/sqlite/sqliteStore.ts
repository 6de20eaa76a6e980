// The embedded store: better-sqlite3 on a file under DATA_DIR (WAL), the zero-setup default.
//
// Concurrency: one writer connection, and every write runs under an in-process queue and inside
// BEGIN IMMEDIATE, which takes SQLite's write lock up front, so pushes serialize and the counter read
// in a push cannot go stale (sqliteWrites.ts; pushes that arrive together share one commit). A second process on the same file waits for that lock (busy_timeout)
// rather than failing. Reads use a second connection: in WAL mode they see only committed data and
// never wait for a writer (with ':memory:' there is one connection, and reads made while a test hook
// holds a push open see its uncommitted rows).

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Action } from '../../../sync/action';
import { pageCursor, planCovers, retentionOf } from '../compaction';
import { fromRow, rowBytes, SELECT_ACTION_COLUMNS, splitDuplicates, toRow, type StoredActionColumns } from '../rows';
import { sqliteCompaction, SQLITE_LIVE_PAGE } from './sqliteCompaction';
import { sqliteMigrations } from './sqliteMigrations';
import { SqliteWrites } from './sqliteWrites';
import type { NewToken, NewUser, PullPage, PushInput, PushOutcome, Store, StoreHooks, TokenRecord, UserRecord } from '../types';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:'. */
  readonly path: string;
  readonly hooks?: StoreHooks;
  readonly busyTimeoutMs?: number;
}

type Db = Database.Database;

/** A connection with the store's settings (also what the bench's bare limit commits on). */
export function openConnection(file: string, busyTimeoutMs: number): Db {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (file !== ':memory:') db.pragma('journal_mode = WAL');
  // An accepted push is acknowledged to clients that then stop retrying it: it must survive power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  return db;
}

function migrate(db: Db): string {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
    for (const m of sqliteMigrations) {
      if (m.version <= (row.v ?? 0)) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
    }
    db.prepare("INSERT OR IGNORE INTO server_meta (key, value) VALUES ('epoch', ?)").run(randomUUID());
    const epoch = (db.prepare("SELECT value FROM server_meta WHERE key = 'epoch'").get() as { value: string }).value;
    db.exec('COMMIT');
    return epoch;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

type UserRow = { id: string; username: string; password_hash: string; space_id: string } | undefined;

function userRecord(row: unknown): UserRecord | undefined {
  const u = row as UserRow;
  return u && { id: u.id, username: u.username, passwordHash: u.password_hash, spaceId: u.space_id };
}

export function openSqliteStore(options: SqliteStoreOptions): Store {
  const busy = options.busyTimeoutMs ?? 5_000;
  if (options.path !== ':memory:') fs.mkdirSync(path.dirname(options.path), { recursive: true });
  const writer = openConnection(options.path, busy);
  const epoch = migrate(writer);
  const reader = options.path === ':memory:' ? writer : openConnection(options.path, busy);
  const writes = new SqliteWrites(writer);
  const hooks = options.hooks ?? {};
  const compaction = sqliteCompaction(writer, reader);

  const w = {
    insertSpace: writer.prepare('INSERT INTO spaces (id, head, created_at) VALUES (?, 0, ?)'),
    insertUser: writer.prepare(
      'INSERT INTO users (id, username, password_hash, space_id, created_at) VALUES (@id, @username, @passwordHash, @spaceId, @createdAt)',
    ),
    usernameTaken: writer.prepare('SELECT 1 FROM users WHERE lower(username) = lower(?)'),
    insertToken: writer.prepare('INSERT INTO tokens (hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    deleteToken: writer.prepare('DELETE FROM tokens WHERE hash = ?'),
    deleteExpired: writer.prepare('DELETE FROM tokens WHERE expires_at <= ?'),
    deleteExpiredOfDeleted: writer.prepare('DELETE FROM deleted_account_tokens WHERE expires_at <= ?'),
    deleteUserExpired: writer.prepare('DELETE FROM tokens WHERE user_id = ? AND expires_at <= ?'),
    capUserTokens: writer.prepare(
      `DELETE FROM tokens WHERE user_id = @userId AND hash <> @keep AND hash NOT IN (
         SELECT hash FROM tokens WHERE user_id = @userId AND hash <> @keep ORDER BY created_at DESC LIMIT @others)`,
    ),
    deleteUserTokens: writer.prepare('DELETE FROM tokens WHERE user_id = ? AND hash <> ?'),
    setPasswordHash: writer.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    userById: writer.prepare('SELECT id, username, password_hash, space_id FROM users WHERE id = ?'),
    rememberDeleted: writer.prepare(
      'INSERT OR IGNORE INTO deleted_account_tokens (hash, expires_at) SELECT hash, expires_at FROM tokens WHERE user_id = ? AND expires_at > ?',
    ),
    eraseActions: writer.prepare('DELETE FROM actions WHERE space_id = ?'),
    eraseClients: writer.prepare('DELETE FROM clients WHERE user_id = ? OR space_id = ?'),
    eraseTokens: writer.prepare('DELETE FROM tokens WHERE user_id = ?'),
    eraseUser: writer.prepare('DELETE FROM users WHERE id = ?'),
    eraseSpace: writer.prepare('DELETE FROM spaces WHERE id = ?'),
    liveToken: writer.prepare('SELECT 1 FROM tokens WHERE hash = ? AND expires_at > ?'),
    lockHead: writer.prepare('SELECT head, stored_bytes FROM spaces WHERE id = ?'),
    addStoredBytes: writer.prepare('UPDATE spaces SET stored_bytes = stored_bytes + ? WHERE id = ?'),
    bindClient: writer.prepare('INSERT OR IGNORE INTO clients (client_id, user_id, space_id, first_seen) VALUES (?, ?, ?, ?)'),
    clientOwner: writer.prepare('SELECT user_id FROM clients WHERE client_id = ?'),
    existingIds: writer.prepare('SELECT id FROM actions WHERE space_id = ? AND id IN (SELECT value FROM json_each(?))'),
    insertAction: writer.prepare(
      `INSERT INTO actions (space_id, id, seq, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state, user_id, received_at)
       VALUES (@space_id, @id, @seq, @collection, @entity_id, @type, @payload, @hlc, @client_id, @base, @edits, @basis, @state, @user_id, @received_at)`,
    ),
    setHead: writer.prepare('UPDATE spaces SET head = ? WHERE id = ?'),
  };
  const r = {
    userByName: reader.prepare('SELECT id, username, password_hash, space_id FROM users WHERE lower(username) = lower(?)'),
    userById: reader.prepare('SELECT id, username, password_hash, space_id FROM users WHERE id = ?'),
    deletedToken: reader.prepare('SELECT 1 FROM deleted_account_tokens WHERE hash = ? AND expires_at > ?'),
    token: reader.prepare(
      `SELECT t.user_id, u.username, u.space_id, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id
       WHERE t.hash = ? AND t.expires_at > ?`,
    ),
    head: reader.prepare('SELECT head FROM spaces WHERE id = ?'),
    page: reader.prepare(`SELECT ${SELECT_ACTION_COLUMNS} ${SQLITE_LIVE_PAGE}`),
    ping: reader.prepare('SELECT 1'),
  };

  /** A write transaction: queued behind other writes, holding SQLite's write lock from its start. */
  const writeTx = <T>(body: () => T | Promise<T>): Promise<T> => writes.transaction(body);

  // A read transaction pins one snapshot; on a single ':memory:' connection a push may hold the
  // only transaction open, so reads there run bare.
  const readSnapshot = <T>(fn: () => T): T => (reader === writer ? fn() : reader.transaction(fn)());

  const readHead = (spaceId: string): number => {
    const row = r.head.get(spaceId) as { head: number } | undefined;
    return row?.head ?? 0;
  };

  return {
    kind: 'sqlite',
    epoch,

    createUser: (u: NewUser) =>
      writeTx(() => {
        if (w.usernameTaken.get(u.username)) return false;
        w.insertSpace.run(u.spaceId, u.createdAt);
        w.insertUser.run(u);
        return true;
      }),

    findUserByUsername: async (username) => userRecord(r.userByName.get(username)),

    findUserById: async (id) => userRecord(r.userById.get(id)),

    setPasswordHash: (userId, hash, endSessions) =>
      writeTx(() => {
        w.setPasswordHash.run(hash, userId);
        if (endSessions) w.deleteUserTokens.run(userId, endSessions.keep ?? '');
      }),

    deleteUser: (userId, now) =>
      writeTx(() => {
        const user = userRecord(w.userById.get(userId));
        if (!user) return false;
        w.rememberDeleted.run(userId, now);
        w.eraseTokens.run(userId);
        w.eraseActions.run(user.spaceId);
        w.eraseClients.run(userId, user.spaceId);
        w.eraseUser.run(userId);
        w.eraseSpace.run(user.spaceId);
        return true;
      }),

    isDeletedAccountToken: async (hash, now) => r.deletedToken.get(hash, now) !== undefined,

    createToken: (t: NewToken, maxPerUser) =>
      writeTx(() => {
        w.deleteUserExpired.run(t.userId, t.createdAt);
        w.insertToken.run(t.hash, t.userId, t.createdAt, t.expiresAt);
        if (maxPerUser !== undefined) w.capUserTokens.run({ userId: t.userId, keep: t.hash, others: Math.max(0, maxPerUser - 1) });
      }),

    findToken: async (hash, now): Promise<TokenRecord | undefined> => {
      const row = r.token.get(hash, now) as
        | { user_id: string; username: string; space_id: string; expires_at: number }
        | undefined;
      return row && { userId: row.user_id, username: row.username, spaceId: row.space_id, expiresAt: row.expires_at };
    },

    deleteToken: (hash) =>
      writeTx(() => {
        w.deleteToken.run(hash);
      }),

    deleteUserTokens: (userId, except) => writeTx(() => w.deleteUserTokens.run(userId, except ?? '').changes),

    deleteExpiredTokens: (now) => writeTx(() => w.deleteExpired.run(now).changes + w.deleteExpiredOfDeleted.run(now).changes),

    // Group-committed (sqliteWrites.ts): one fsync for the pushes that arrive together.
    push: (input: PushInput): Promise<PushOutcome> =>
      writes.grouped(async () => {
        const space = w.lockHead.get(input.spaceId) as { head: number; stored_bytes: number } | undefined;
        if (!space) throw new Error('push into a space that does not exist');
        if (input.tokenHash !== undefined && w.liveToken.get(input.tokenHash, input.receivedAt) === undefined) return { ok: false, reason: 'unauthorized' } as const;
        w.bindClient.run(input.clientId, input.userId, input.spaceId, input.receivedAt);
        const owner = w.clientOwner.get(input.clientId) as { user_id: string };
        if (owner.user_id !== input.userId) return { ok: false, reason: 'forbidden_client' } as const;

        const ids = JSON.stringify(input.actions.map((a) => a.id));
        const existing = new Set((w.existingIds.all(input.spaceId, ids) as { id: string }[]).map((x) => x.id));
        const { fresh, duplicates } = splitDuplicates(input.actions, existing);
        const base = space.head;
        const plan = planCovers(input.actions, fresh, base);
        if (!plan.ok) return plan;
        const rows = fresh.map((a: Action, i) => toRow(a, input.spaceId, base + i + 1, input.userId, input.receivedAt));
        const bytes = rows.reduce((sum, row) => sum + rowBytes(row), 0);
        if (input.maxStoredBytes !== undefined && bytes > 0 && space.stored_bytes + bytes > input.maxStoredBytes) {
          return { ok: false, reason: 'storage_full' } as const;
        }
        for (const row of rows) w.insertAction.run(row);
        const head = base + fresh.length;
        if (fresh.length > 0) w.setHead.run(head, input.spaceId);
        if (bytes > 0) w.addStoredBytes.run(bytes, input.spaceId);
        compaction.cover(input.spaceId, plan.covers, input.receivedAt, retentionOf(input));
        await hooks.beforeCommit?.({ spaceId: input.spaceId, base, count: fresh.length });
        return { ok: true, accepted: fresh.map((a) => a.id), duplicates, head } as const;
      }),

    pull: async (spaceId, cursor, limit, maxBytes = Infinity): Promise<PullPage> =>
      // One snapshot, so head and the page agree.
      readSnapshot(() => {
        const head = readHead(spaceId);
        const rows: StoredActionColumns[] = [];
        let bytes = 0;
        let cut = false;
        // Row by row, so a page of large actions stops reading at its byte budget.
        for (const row of r.page.iterate(spaceId, cursor, head, limit) as IterableIterator<StoredActionColumns>) {
          bytes += rowBytes(row);
          if (rows.length > 0 && bytes > maxBytes) {
            cut = true;
            break;
          }
          rows.push(row);
        }
        return { actions: rows.map(fromRow), head, cursor: pageCursor(cursor, head, rows, limit, cut) };
      }),

    head: async (spaceId) => readHead(spaceId),

    deleteCovered: (coveredBefore, limit) => writeTx(() => compaction.deleteCovered(coveredBefore, limit)),

    storedRows: async (spaceId) => compaction.storedRows(spaceId),

    ping: async () => {
      r.ping.get();
    },

    close: () =>
      writes.exclusive(() => {
        if (reader !== writer) reader.close();
        writer.close();
      }),
  };
}
