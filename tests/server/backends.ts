// The backends every server test runs against: SQLite always (a temp file, so the reader/writer
// connection split is exercised), PostgreSQL whenever TEST_DATABASE_URL or DATABASE_URL is set. Each
// PostgreSQL test file works in a fresh schema (search_path), dropped afterwards, so parallel files
// and repeated runs never see each other's rows.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import type { BackendOptions } from '../../src/server/backend';
import type { StoreHooks } from '../../src/server/store/types';

export type BackendKind = 'sqlite' | 'postgres';

export const postgresUrl: string | undefined = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

export const backendKinds: BackendKind[] = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

/** A database of one kind for one test file: options to open it (as often as needed) and cleanup. */
export interface TestDatabase {
  readonly kind: BackendKind;
  /** For child processes: DATABASE_URL or DATA_DIR. */
  readonly env: Record<string, string>;
  options(extra?: { hooks?: StoreHooks; max?: number; lockTimeoutMs?: number; statementTimeoutMs?: number }): BackendOptions;
  /** Rows of a table, counted behind the app's back (what a request may have stored). */
  count(table: string, where?: string): Promise<number>;
  /** Raw SQL on the database (to build an older schema). */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: BackendKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-server-test-'));
    const file = path.join(dir, 'notes.sqlite');
    return {
      kind,
      env: { DATA_DIR: dir },
      options: (extra = {}) => ({ kind: 'sqlite', path: file, ...(extra.hooks ? { hooks: extra.hooks } : {}) }),
      count: async (table, where = '1 = 1') => {
        const db = new Database(file, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
        } finally {
          db.close();
        }
      },
      exec: async (sql) => {
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!postgresUrl) throw new Error('no PostgreSQL URL');
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE SCHEMA ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('search_path', schema);
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    options: (extra = {}) => ({
      kind: 'postgres',
      url: url.toString(),
      ...(extra.max !== undefined ? { max: extra.max } : {}),
      ...(extra.hooks ? { hooks: extra.hooks } : {}),
      ...(extra.lockTimeoutMs !== undefined ? { lockTimeoutMs: extra.lockTimeoutMs } : {}),
      ...(extra.statementTimeoutMs !== undefined ? { statementTimeoutMs: extra.statementTimeoutMs } : {}),
    }),
    count: async (table, where = '1 = 1') => {
      const [row] = await admin.unsafe<{ n: string }[]>(`SELECT count(*) AS n FROM ${schema}.${table} WHERE ${where}`);
      return Number(row!.n);
    },
    exec: async (sql) => {
      await admin.begin(async (tx) => {
        await tx.unsafe(`SET LOCAL search_path TO ${schema}`);
        await tx.unsafe(sql);
      });
    },
    drop: async () => {
      await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
