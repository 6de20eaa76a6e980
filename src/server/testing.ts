// For tests anywhere in the repo: the real server app in-process, on a real database (SQLite in
// memory unless told otherwise), with a clock the test controls. `fetch` has the shape of the global
// fetch, so a client under test can be pointed at it instead of the network:
//
//   const server = await createTestServer();
//   const { token } = await server.register('alice');
//   const transport = httpTransport({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });
//   ...
//   await server.close();

import type { Hono } from 'hono';
import * as v from 'valibot';
import { createApp } from './app';
import { openBackend, type Backend, type BackendOptions } from './backend';
import { ManualClock } from './clock';
import type { AppConfig } from './config';
import type { AppEnv } from './http';
import { silentLogger, type Logger } from './logger';
import { DAY_MS, DEFAULT_RETENTION_DAYS } from './store/compaction';
import type { Passwords } from './security/passwords';
import type { Store } from './store/types';
import { AuthResponseSchema, type AuthResponse } from '../sync/protocol';

/** Production's limits, except where tests would trip them: every request comes from one address. */
export const testAppConfig: AppConfig = {
  tokenTtlMs: 30 * 24 * 3600 * 1000,
  heartbeatMs: 15_000,
  loginMaxAttempts: 5,
  loginMaxPerAccount: 20,
  loginMaxPerAddress: 1_000_000,
  loginWindowMs: 5 * 60 * 1000,
  registerMaxPerWindow: 1_000_000,
  registerWindowMs: 3600 * 1000,
  trustProxy: { hops: 0 },
  // The cheapest cost verification accepts: tests create many accounts.
  scryptLogN: 10,
  hashConcurrency: 2,
  hashQueue: 1_000,
  maxSessionsPerAccount: 20,
  accountMaxStoredBytes: 1024 * 1024 * 1024,
  pushesPerMinute: 1_000_000,
  concurrentPushes: 1_000,
  liveStreamsPerAccount: 10,
  pullMaxBytes: 4 * 1024 * 1024,
  servedOverHttps: false,
  distDir: null,
  retentionMs: DEFAULT_RETENTION_DAYS * DAY_MS,
};

export interface TestServerOptions {
  readonly backend?: BackendOptions;
  readonly config?: Partial<AppConfig>;
  readonly clock?: ManualClock;
  readonly logger?: Logger;
  /** Password hashing (tests count or hold it); the real scrypt behind the gate when absent. */
  readonly passwords?: Passwords;
}

export interface TestServer {
  readonly app: Hono<AppEnv>;
  /** Absolute URLs on this origin and relative paths both work. */
  readonly baseUrl: string;
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** The same as fetch, from a client at `address` (the socket's peer, as a real server would see it). */
  fetchFrom(address: string): (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly clock: ManualClock;
  readonly store: Store;
  readonly backend: Backend;
  readonly config: AppConfig;
  /** A new account (unique name unless given); throws unless the server accepts it. */
  register(username?: string, password?: string): Promise<AuthResponse>;
  closeEventStreams(): void;
  close(): Promise<void>;
}

let accounts = 0;

export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = options.clock ?? new ManualClock(Date.now());
  const config = { ...testAppConfig, ...options.config };
  const logger = options.logger ?? silentLogger;
  const backend = await openBackend(options.backend ?? { kind: 'sqlite', path: ':memory:' }, logger);
  const served = createApp({
    store: backend.store,
    bus: backend.bus,
    clock,
    config,
    logger,
    limiters: backend.limiters,
    ...(options.passwords ? { passwords: options.passwords } : {}),
  });
  const baseUrl = 'http://notes.test';
  const fetchFrom =
    (address: string) =>
    async (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      served.app.request(input instanceof Request ? input : new URL(String(input), baseUrl).toString(), init, {
        incoming: { socket: { remoteAddress: address } },
      } as never);
  const fetch = fetchFrom('127.0.0.1');

  return {
    app: served.app,
    baseUrl,
    fetch,
    fetchFrom,
    clock,
    store: backend.store,
    backend,
    config,
    register: async (username = `user${++accounts}_${Math.random().toString(36).slice(2, 8)}`, password = 'correct horse battery') => {
      const res = await fetch('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
      return v.parse(AuthResponseSchema, await res.json());
    },
    closeEventStreams: () => served.closeEventStreams(),
    close: async () => {
      served.closeEventStreams();
      served.dispose();
      await backend.close();
    },
  };
}
