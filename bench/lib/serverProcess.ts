// The sync server as `npm start` runs it (src/server/cli.ts in its own Node process, so it has a
// core to itself and its own event loop), API only, on a free port of loopback (PORT=0: it never
// collides with another agent's fixed e2e ports).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths';

export interface ServerProcess {
  readonly url: string;
  /** The server's process id (the bench reads its CPU time from /proc). */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Settings for a bench server: quiet, cheap password hashing, no limit on accounts per address. */
const BENCH_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  REGISTER_MAX_PER_HOUR: '1000000',
  SCRYPT_LOG_N: '10',
  // Throughput, not the per-account limits, is measured: 16 clients push into one space at once.
  PUSHES_PER_MINUTE: '1000000',
  CONCURRENT_PUSHES: '1000',
};

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const base = { ...process.env };
  // The bench's own DATABASE_URL must not leak into a SQLite run; a PostgreSQL run passes its own.
  delete base.DATABASE_URL;
  // BENCH_SERVER_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_SERVER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, 'src/server/cli.ts'), '--no-build'], {
    cwd: ROOT,
    env: { ...base, ...BENCH_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 60 s: ${stderr.slice(-500)}`));
    }, 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening: ${stderr.slice(-500)}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the server exited with ${code}: ${stderr.slice(-500)}`);
    },
  };
}

/** Starts `count` servers with the same settings (one database, several instances). */
export async function startServerProcesses(count: number, env: Record<string, string>): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startServerProcess(env)));
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(ok.map((s) => s.stop()));
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return ok;
}

/** Stops every server; the first failure is thrown after all have stopped. */
export async function stopAll(servers: readonly ServerProcess[]): Promise<void> {
  const stopped = await Promise.allSettled(servers.map((s) => s.stop()));
  const failed = stopped.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
}
