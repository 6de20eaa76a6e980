// Server push throughput: the real server as `npm start` runs it (bench/lib/serverProcess.ts), 16
// clients pushing one new note per request as fast as the server answers, over loopback. Layouts:
// 16 accounts (16 spaces, pushes run in parallel) and one account with 16 devices (one space:
// pushes serialize on its counter row); on PostgreSQL also two server instances on one database
// with the clients split between them. Beside each store, its bare limit (pushBare.ts).
// SQLite on a file; PostgreSQL when it answers (bench/lib/postgres.ts), each measurement in a
// schema of its own.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { register, uniqueName } from '../lib/client';
import type { Plan } from '../lib/plan';
import { findPostgres, withSchema } from '../lib/postgres';
import { keepAlivePusher, noteMaker, pushesPerSec, type PushWindow } from '../lib/pushLoad';
import type { Results } from '../lib/results';
import { startServerProcesses, stopAll } from '../lib/serverProcess';
import { postgresBare, sqliteBare } from './pushBare';

/** Every key this section fills, so a skipped store can name each figure it did not measure. */
export const PUSH_KEYS = {
  sqlite: ['sqlite/16-spaces', 'sqlite/1-space', 'sqlite/bare'],
  postgres: ['postgres/16-spaces', 'postgres/1-space', 'postgres/16-spaces/2-instances', 'postgres/bare'],
} as const;

/** Pushes/s through the servers at `urls`, client i talking to urls[i % n], over `spaces` accounts. */
async function throughServers(urls: readonly string[], w: PushWindow, spaces: number): Promise<number> {
  const tokens: string[] = [];
  for (let i = 0; i < spaces; i++) tokens.push((await register(urls[0]!, uniqueName('bench_push'))).token);
  return pushesPerSec(w, async (i) => {
    const url = urls[i % urls.length]!;
    const token = tokens[i % tokens.length]!;
    const notes = noteMaker();
    const push = keepAlivePusher(url, token, notes.clientId);
    return () => push([notes.next()]);
  });
}

type Layout = readonly [name: string, spaces: number];

async function withServers(instances: number, env: Record<string, string>, layouts: readonly Layout[], w: PushWindow, figure: (name: string, perSec: number) => void): Promise<void> {
  const servers = await startServerProcesses(instances, env);
  try {
    for (const [name, spaces] of layouts) figure(name, await throughServers(servers.map((s) => s.url), w, spaces));
  } finally {
    await stopAll(servers);
  }
}

export async function runPush(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const w: PushWindow = plan.push;
  r.sizes.pushClients = w.clients;
  r.sizes.pushMeasureMs = w.measureMs;
  const single: readonly Layout[] = [['16-spaces', w.clients], ['1-space', 1]];
  const set = (key: string, perSec: number) => {
    log(`push throughput: ${key}: ${perSec}/s`);
    r.serverPushesPerSec[key] = perSec;
  };

  const dataDir = await mkdtemp(path.join(tmpdir(), 'notes-bench-push-'));
  try {
    await withServers(1, { DATA_DIR: dataDir, DIST_DIR: path.join(dataDir, 'no-app') }, single, w, (name, n) => set(`sqlite/${name}`, n));
    set('sqlite/bare', await sqliteBare(path.join(dataDir, 'bare.sqlite'), w));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const pg = await findPostgres();
  if (pg.url === null) {
    for (const key of PUSH_KEYS.postgres) {
      r.serverPushesPerSec[key] = null;
      r.unavailable[`serverPushesPerSec.${key}`] = pg.why;
    }
    log(`push throughput on PostgreSQL skipped: ${pg.why}`);
    return;
  }
  log(`push throughput on PostgreSQL at ${pg.shown}`);
  const noApp = { DATA_DIR: tmpdir(), DIST_DIR: path.join(tmpdir(), 'notes-bench-no-app') };
  await withSchema(pg.url, 'push1', (url) => withServers(1, { ...noApp, DATABASE_URL: url }, single, w, (name, n) => set(`postgres/${name}`, n)));
  await withSchema(pg.url, 'bare', async (url) => set('postgres/bare', await postgresBare(url, w)));
  await withSchema(pg.url, 'push2', (url) =>
    withServers(2, { ...noApp, DATABASE_URL: url }, [['16-spaces', w.clients]], w, (name, n) => set(`postgres/${name}/2-instances`, n)),
  );
}
