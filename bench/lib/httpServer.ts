// HTTP on loopback for the browser runs. Every response carries COOP/COEP, so pages and their
// workers are cross-origin isolated and performance.now() has its fine (5 us) resolution.
// - serveFiles: a built page (the storage bench, the peers).
// - serveApp: the real sync server app (createApp from src/server, the same routes and static
//   serving as `npm start`) over the bench's build of the app, on a real database, plus the storage
//   bench page under /__bench/ on the same origin (it seeds the app's own database there).

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createApp } from '../../src/server/app';
import { openBackend, type Backend, type BackendOptions } from '../../src/server/backend';
import { systemClock } from '../../src/server/clock';
import { silentLogger } from '../../src/server/logger';
import { testAppConfig } from '../../src/server/testing';

const ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Serves files under `root` at `prefix` ('/' or '/__bench/x/'); answers false when the path is not its own. */
function fileHandler(root: string, prefix: string): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!pathname.startsWith(prefix)) return false;
    let file = path.join(root, pathname.slice(prefix.length));
    if (!file.startsWith(root)) file = root;
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return true;
    }
    res.writeHead(200, { ...ISOLATION, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
    return true;
  };
}

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(handler: Handler): Promise<Listening & { server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function serveFiles(root: string): Promise<Listening> {
  const files = fileHandler(root, '/');
  const { url, close } = await listen((req, res) => void files(req, res));
  return { url, close };
}

export interface AppServer extends Listening {
  readonly backend: Backend;
  /** The same server on another port: another origin, so another "device" in the same browser. */
  secondOrigin(): Promise<string>;
}

export interface ServeAppOptions {
  readonly appDir: string;
  readonly storageDir: string;
  readonly backend: BackendOptions;
  /** Hears the body of every push request as it came over the wire. */
  readonly onPush?: (body: string) => void;
}

export async function serveApp(o: ServeAppOptions): Promise<AppServer> {
  const backend = await openBackend(o.backend, silentLogger);
  const served = createApp({ store: backend.store, bus: backend.bus, clock: systemClock, config: { ...testAppConfig, distDir: o.appDir }, logger: silentLogger });
  const onPush = o.onPush;
  const app = getRequestListener(async (req) => {
    // A copy of the body (the app reads the original), heard before the answer goes out.
    if (onPush && req.method === 'POST' && new URL(req.url).pathname === '/api/sync/push') onPush(await req.clone().text());
    const res = await served.app.fetch(req);
    const headers = new Headers(res.headers);
    for (const [k, v] of Object.entries(ISOLATION)) headers.set(k, v);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  });
  const bench = fileHandler(o.storageDir, '/__bench/storage/');
  const handler: Handler = (req, res) => {
    if (!bench(req, res)) void app(req, res);
  };
  const listeners = [await listen(handler)];
  return {
    url: listeners[0]!.url,
    backend,
    async secondOrigin() {
      const l = await listen(handler);
      listeners.push(l);
      return l.url;
    },
    async close() {
      served.closeEventStreams();
      await Promise.all(listeners.map((l) => l.close()));
      await backend.close();
    },
  };
}
