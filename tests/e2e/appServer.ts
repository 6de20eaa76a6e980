// The one way the e2e suite serves the app: the real sync server (src/server/cli.ts) with the built
// app, its CSP and headers, and a fresh database in a temporary folder that is removed afterwards.
// Run as a script (the Playwright webServer) it serves dist/ on E2E_PORT until SIGTERM/SIGINT;
// specs that need a private copy (another origin) call startAppServer themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** E2E_PORT moves the suite (and the private copies, on the ports above it) when 4321 is taken. */
export const E2E_PORT = Number(process.env.E2E_PORT) || 4321;
export const E2E_HOST = '127.0.0.1';

export interface AppServer {
  readonly url: string;
  close(): Promise<void>;
}

const projectRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the sync server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the sync server did not answer on ${url} within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** Starts `tsx src/server/cli.ts --no-build` serving `distDir` on `port`, with its own empty database. */
export async function startAppServer(opts: { port: number; distDir?: string; stdio?: 'inherit' | 'ignore' }): Promise<AppServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'notes-e2e-data-'));
  const child = spawn(join(projectRoot, 'node_modules', '.bin', 'tsx'), ['src/server/cli.ts', '--no-build'], {
    cwd: projectRoot,
    stdio: opts.stdio ?? 'ignore',
    env: {
      ...process.env,
      PORT: String(opts.port),
      HOST: E2E_HOST,
      DATA_DIR: dataDir,
      DIST_DIR: resolve(projectRoot, opts.distDir ?? 'dist'),
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      // Every test signs up and in from this one address: the production limits (20 sign-ups an
      // hour, 100 sign-ins in 5 minutes) would trip.
      REGISTER_MAX_PER_HOUR: '100000',
      LOGIN_MAX_PER_ADDRESS: '100000',
      // Cheaper password hashing than production (the server's minimum): sign-ups are not under test here.
      SCRYPT_LOG_N: '10',
      SHUTDOWN_TIMEOUT_SECONDS: '2',
    },
  });
  const url = `http://${E2E_HOST}:${opts.port}`;
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, 60_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, close };
}

// As the Playwright webServer: serve until told to stop, then remove the database.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startAppServer({ port: E2E_PORT, stdio: 'inherit' });
  console.log(`e2e: the app and sync server are at ${server.url}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
