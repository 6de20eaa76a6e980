// Picks and opens the storage and the matching bus: PostgreSQL (with LISTEN/NOTIFY) when a database
// URL is given, else the embedded SQLite file with an in-process bus.

import path from 'node:path';
import postgres from 'postgres';
import { memoryBus, type Bus } from './bus/bus';
import type { Logger } from './logger';
import { postgresBus } from './bus/postgresBus';
import { memoryLimiters, postgresLimiters, type LimiterFactory } from './security/limiters';
import { openPostgresStore } from './store/postgres/postgresStore';
import { openSqliteStore } from './store/sqlite/sqliteStore';
import type { Store, StoreHooks } from './store/types';

export interface Backend {
  readonly store: Store;
  readonly bus: Bus;
  /** Rate limits shared by every process on this backend (PostgreSQL), or this process's own (SQLite). */
  readonly limiters: LimiterFactory;
  close(): Promise<void>;
}

export type BackendOptions =
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly max?: number;
      readonly hooks?: StoreHooks;
      readonly lockTimeoutMs?: number;
      readonly statementTimeoutMs?: number;
    }
  /** path: a file or ':memory:'. */
  | { readonly kind: 'sqlite'; readonly path: string; readonly hooks?: StoreHooks };

export const SQLITE_FILE = 'notes.sqlite';

export function backendOptionsFor(config: {
  databaseUrl: string | null;
  dataDir: string;
  pgLockTimeoutMs: number;
  pgStatementTimeoutMs: number;
}): BackendOptions {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl, lockTimeoutMs: config.pgLockTimeoutMs, statementTimeoutMs: config.pgStatementTimeoutMs }
    : { kind: 'sqlite', path: path.join(config.dataDir, SQLITE_FILE) };
}

export async function openBackend(options: BackendOptions, logger: Logger): Promise<Backend> {
  if (options.kind === 'sqlite') {
    const store = openSqliteStore({ path: options.path, ...(options.hooks ? { hooks: options.hooks } : {}) });
    const bus = memoryBus();
    return { store, bus, limiters: memoryLimiters, close: async () => (await bus.close(), await store.close()) };
  }
  const { kind: _kind, ...postgresOptions } = options;
  const store = await openPostgresStore(postgresOptions);
  // Rate-limit counters and head notifications need no durability: their commits do not wait for
  // the WAL flush (synchronous_commit off on these connections only), so a push waits for the disk
  // once, in its own commit. A crash may forget the last moment's counts; data is never at stake.
  const relaxed = postgres(postgresOptions.url, { max: 2, onnotice: () => {}, connection: { synchronous_commit: 'off' } });
  try {
    const bus = await postgresBus(store.sql, logger, relaxed);
    return {
      store,
      bus,
      limiters: postgresLimiters(relaxed),
      close: async () => (await bus.close(), await relaxed.end({ timeout: 5 }), await store.close()),
    };
  } catch (e) {
    await relaxed.end({ timeout: 1 });
    await store.close();
    throw e;
  }
}
