// Picks and opens the storage and the matching bus: PostgreSQL (with LISTEN/NOTIFY) when a database
// URL is given, else the embedded SQLite file with an in-process bus.

import path from 'node:path';
import { memoryBus, type Bus } from './bus';
import type { Logger } from './logger';
import { postgresBus } from './postgresBus';
import { openPostgresStore } from './store/postgresStore';
import { openSqliteStore } from './store/sqliteStore';
import type { Store, StoreHooks } from './store/types';

export interface Backend {
  readonly store: Store;
  readonly bus: Bus;
  close(): Promise<void>;
}

export type BackendOptions =
  | { readonly kind: 'postgres'; readonly url: string; readonly max?: number; readonly hooks?: StoreHooks }
  /** path: a file or ':memory:'. */
  | { readonly kind: 'sqlite'; readonly path: string; readonly hooks?: StoreHooks };

export const SQLITE_FILE = 'notes.sqlite';

export function backendOptionsFor(config: { databaseUrl: string | null; dataDir: string }): BackendOptions {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl }
    : { kind: 'sqlite', path: path.join(config.dataDir, SQLITE_FILE) };
}

export async function openBackend(options: BackendOptions, logger: Logger): Promise<Backend> {
  if (options.kind === 'sqlite') {
    const store = openSqliteStore({ path: options.path, ...(options.hooks ? { hooks: options.hooks } : {}) });
    const bus = memoryBus();
    return { store, bus, close: async () => (await bus.close(), await store.close()) };
  }
  const store = await openPostgresStore({
    url: options.url,
    ...(options.max !== undefined ? { max: options.max } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  try {
    const bus = await postgresBus(store.sql, logger);
    return { store, bus, close: async () => (await bus.close(), await store.close()) };
  } catch (e) {
    await store.close();
    throw e;
  }
}
