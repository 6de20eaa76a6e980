// A running server process: opens the backend, serves the app over HTTP and shuts down in order:
// stop accepting, end event streams, let in-flight requests finish (up to a deadline), close the
// database. Used by the CLI and by tests that need a real socket.

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { backendOptionsFor, openBackend, type BackendOptions } from './backend';
import { systemClock, type Clock } from './clock';
import type { ServerConfig } from './config';
import { errorMessage, type Logger } from './logger';
import { startCoveredSweep } from './store/sweep';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Open /api/sync/events streams. */
  eventStreams(): number;
  /** Runs the sweep of covered history now (it also runs hourly); how many rows it deleted. */
  sweepCoveredHistory(): Promise<number>;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Defaults to what the config says (DATABASE_URL or DATA_DIR). */
  readonly backend?: BackendOptions;
}

const TOKEN_SWEEP_MS = 60 * 60 * 1000;

export function displayUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export async function startServer(config: ServerConfig, opts: StartOptions): Promise<RunningServer> {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const backend = await openBackend(opts.backend ?? backendOptionsFor(config), logger);
  const served = createApp({ store: backend.store, bus: backend.bus, clock, config, logger, limiters: backend.limiters });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({
        fetch: served.app.fetch,
        port: config.port,
        hostname: config.host,
        // A client that trickles its headers or body holds a socket: both have a deadline.
        serverOptions: {
          headersTimeout: config.headersTimeoutMs,
          requestTimeout: config.requestTimeoutMs,
          keepAliveTimeout: config.keepAliveTimeoutMs,
          // How often Node checks those deadlines (30 s by default, longer than a short timeout).
          connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(Math.min(config.headersTimeoutMs, config.requestTimeoutMs) / 4))),
        },
      }) as Server;
      // Past the cap, Node closes new connections at once instead of letting them queue.
      s.maxConnections = config.maxConnections;
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (e) {
    await backend.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;

  const sweep = setInterval(() => {
    backend.store.deleteExpiredTokens(clock.now()).catch((e: unknown) => logger.warn('token sweep failed', { error: errorMessage(e) }));
  }, TOKEN_SWEEP_MS);
  sweep.unref();
  // Covered history past RETENTION_DAYS, for spaces that no longer push (pushes clean their own).
  const coveredSweep = startCoveredSweep({ store: backend.store, clock, retentionMs: config.retentionMs, logger });

  // Requests whose handling has begun; shutdown waits for them, then cuts every connection left
  // (idle keep-alive sockets, and sockets opened without a request yet).
  let active = 0;
  let drained: (() => void) | undefined;
  server.on('request', (_req, res) => {
    active++;
    res.once('close', () => {
      active--;
      if (active === 0) drained?.();
    });
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      clearInterval(sweep);
      const sweepStopped = coveredSweep.stop();
      served.dispose();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      served.closeEventStreams();
      server.closeIdleConnections();
      let deadline: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        if (active === 0) return resolve();
        drained = resolve;
        deadline = setTimeout(() => {
          logger.warn('shutdown deadline reached: cutting in-flight requests', { timeoutMs: config.shutdownTimeoutMs, active });
          resolve();
        }, config.shutdownTimeoutMs);
      });
      clearTimeout(deadline);
      server.closeAllConnections();
      await stopped;
      await sweepStopped;
      await backend.close();
    })());

  return {
    url: displayUrl(config.host, port),
    port,
    eventStreams: () => served.openEventStreams(),
    sweepCoveredHistory: () => coveredSweep.runOnce(),
    close,
  };
}
