// Picks and opens the storage and the matching bus: PostgreSQL (with LISTEN/NOTIFY) when a database
// URL is given, else the embedded SQLite file with an in-process bus.

import path from 'node:path';
import { memoryBus, type Bus } from './bus/bus';
import type { Logger } from './logger';
import { postgresBus } from './bus/postgresBus';
import { memoryLimiters, postgresLimiters, type LimiterFactory } from './security/limiters';
import { openPostgresStore } from './store/postgresStore';
import { openSqliteStore } from './store/sqliteStore';
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
  try {
    const bus = await postgresBus(store.sql, logger);
    return { store, bus, limiters: postgresLimiters(store.sql), close: async () => (await bus.close(), await store.close()) };
  } catch (e) {
    await store.close();
    throw e;
  }
}
