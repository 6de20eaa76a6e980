// Server push throughput: the real server as `npm start` runs it (src/server/cli.ts, its own
// process, so it has a core to itself), 16 clients pushing one new note per request as fast as the
// server answers, over loopback. Two layouts: 16 accounts (16 spaces, pushes run in parallel) and
// one account with 16 devices (one space: pushes serialize on its counter row). On SQLite (a file)
// and on PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is set (in a schema of its own, dropped after).

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import type { Action } from '../../src/sync/action';
import { formatHlc, initialHlc, sendHlc } from '../../src/sync/hlc';
import { push, register, uniqueName } from '../lib/client';
import { ROOT } from '../lib/paths';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';

interface ServerProcess {
  readonly url: string;
  stop(): Promise<void>;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/server/cli.ts'), '--no-build'], {
    cwd: ROOT,
    // Throughput, not the per-account limits, is measured: 16 clients push into one space at once.
    env: { ...base, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', REGISTER_MAX_PER_HOUR: '1000000', SCRYPT_LOG_N: '10', PUSHES_PER_MINUTE: '1000000', CONCURRENT_PUSHES: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s: ${stderr.slice(-500)}`)), 60_000);
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
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`the server exited with ${code}: ${stderr.slice(-500)}`);
    },
  };
}

function newNote(clientId: string, clock: { hlc: ReturnType<typeof initialHlc> }): Action {
  clock.hlc = sendHlc(clock.hlc, Date.now());
  return {
    id: uuidv7(),
    collection: 'notes',
    entityId: uuidv7(),
    type: 'create',
    payload: { title: 'Pushed', body: 'a note of ordinary length, '.repeat(10) },
    hlc: formatHlc(clock.hlc),
    clientId,
  };
}

/** Pushes per second over the measured window, with `clients` loops each pushing one action at a time. */
async function measure(url: string, plan: Plan, spaces: number): Promise<number> {
  const tokens: string[] = [];
  for (let i = 0; i < spaces; i++) tokens.push((await register(url, uniqueName('bench_push'))).token);
  const start = performance.now();
  const from = start + plan.push.warmupMs;
  const until = from + plan.push.measureMs;
  let counted = 0;
  const loop = async (i: number): Promise<void> => {
    const clientId = uuidv7();
    const clock = { hlc: initialHlc(clientId) };
    const token = tokens[i % tokens.length]!;
    while (performance.now() < until) {
      await push(url, token, clientId, [newNote(clientId, clock)]);
      const now = performance.now();
      if (now >= from && now < until) counted++;
    }
  };
  await Promise.all(Array.from({ length: plan.push.clients }, (_, i) => loop(i)));
  return Math.round(counted / (plan.push.measureMs / 1000));
}

async function layouts(store: string, env: Record<string, string>, plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const server = await startServerProcess(env);
  try {
    for (const [layout, spaces] of [['16-spaces', plan.push.clients], ['1-space', 1]] as const) {
      log(`push throughput: ${store}/${layout}`);
      r.serverPushesPerSec[`${store}/${layout}`] = await measure(server.url, plan, spaces);
    }
  } finally {
    await server.stop();
  }
}

export async function runPush(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  r.sizes.pushClients = plan.push.clients;
  r.sizes.pushMeasureMs = plan.push.measureMs;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'notes-bench-push-'));
  try {
    await layouts('sqlite', { DATA_DIR: dataDir, DIST_DIR: path.join(dataDir, 'no-app') }, plan, r, log);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) {
    r.serverPushesPerSec['postgres/16-spaces'] = null;
    r.serverPushesPerSec['postgres/1-space'] = null;
    r.unavailable.serverPushesPerSecPostgres = 'neither DATABASE_URL nor TEST_DATABASE_URL is set';
    return;
  }
  const schema = `notes_bench_${Date.now().toString(36)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
    const scoped = `${url}${url.includes('?') ? '&' : '?'}search_path=${schema}`;
    await layouts('postgres', { DATABASE_URL: scoped, DATA_DIR: tmpdir(), DIST_DIR: path.join(tmpdir(), 'notes-bench-no-app') }, plan, r, log);
  } finally {
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}
