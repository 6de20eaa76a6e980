// A real server on an ephemeral port (for what app.request cannot show: streams, sockets, shutdown).

import * as v from 'valibot';
import type { ManualClock } from '../../src/server/clock';
import type { ServerConfig } from '../../src/server/config';
import { silentLogger } from '../../src/server/logger';
import { startServer, type RunningServer } from '../../src/server/server';
import { testAppConfig } from '../../src/server/testing';
import { AuthResponseSchema, type AuthResponse } from '../../src/sync/protocol';
import type { TestDatabase } from './backends';

export interface Listening {
  readonly server: RunningServer;
  readonly url: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  register(): Promise<AuthResponse & { readonly username: string }>;
}

let n = 0;

export async function listen(db: TestDatabase, opts: { config?: Partial<ServerConfig>; clock?: ManualClock } = {}): Promise<Listening> {
  const config: ServerConfig = {
    ...testAppConfig,
    port: 0,
    host: '127.0.0.1',
    dataDir: '',
    databaseUrl: null,
    pgLockTimeoutMs: 5_000,
    pgStatementTimeoutMs: 30_000,
    headersTimeoutMs: 20_000,
    requestTimeoutMs: 60_000,
    keepAliveTimeoutMs: 5_000,
    maxConnections: 1_000,
    shutdownTimeoutMs: 5_000,
    logLevel: 'silent',
    ...opts.config,
  };
  const server = await startServer(config, { logger: silentLogger, backend: db.options(), ...(opts.clock ? { clock: opts.clock } : {}) });
  const doFetch = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  return {
    server,
    url: server.url,
    fetch: doFetch,
    register: async () => {
      const username = `live${++n}_${Math.random().toString(36).slice(2, 8)}`;
      const res = await doFetch('/api/auth/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'long enough password' }),
      });
      if (res.status !== 201) throw new Error(`register: ${res.status}`);
      return { ...v.parse(AuthResponseSchema, await res.json()), username };
    },
  };
}
