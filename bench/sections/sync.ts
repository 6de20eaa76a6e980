// Sync end to end with the real server app on loopback (a SQLite file, as `npm start` uses):
// - initial sync: a space holding N actions (10% creates: N/10 notes), a fresh device signs in
//   through the public NotesApi, timed until its first complete sync; the app's worker does the
//   work (pull pages, apply, publish to the page). If that cannot run, the same through
//   runSyncCycle + the worker's Store in Node, and the results say so.
// - propagation: two devices of one account (two origins in one browser, so each has its own OPFS
//   and lock); A creates a note, B's list shows it. Absolute times from both pages (timeOrigin + now).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { uuidv7 } from 'uuidv7';
import { runSyncCycle } from '../../src/sync/cycle/syncCycle';
import { httpTransport } from '../../src/sync/cycle/transport';
import { Store } from '../../src/worker/store/store';
import { workerSyncStore } from '../../src/worker/sync/syncStore';
import { APP_DIR, PROBE_FILE, STORAGE_DIR } from '../lib/build';
import { launchDevice } from '../lib/chromium';
import { PASSWORD, register, uniqueName } from '../lib/client';
import { serveApp, type AppServer } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { median, percentile, round } from '../lib/stats';
import { ActionStream } from '../lib/synthetic';
import { openApp } from './app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new account whose space already holds `total` actions (written straight into the server's store). */
async function seededAccount(server: AppServer, total: number): Promise<{ username: string; token: string; notes: number }> {
  const username = uniqueName('bench_initial');
  const { token } = await register(server.url, username);
  const user = await server.backend.store.findUserByUsername(username);
  if (!user) throw new Error('the registered user is not in the store');
  const stream = new ActionStream({ clients: 1, createShare: 0.1, total, seed: 3 });
  const clientId = stream.clientIds[0]!;
  for (let done = 0; done < total; ) {
    const actions = stream.next(Math.min(2_000, total - done));
    const out = await server.backend.store.push({ spaceId: user.spaceId, userId: user.id, clientId, actions, receivedAt: Date.now() });
    if (!out.ok) throw new Error(`seeding the server failed: ${out.reason}`);
    done += actions.length;
  }
  return { username, token, notes: stream.liveNotes };
}

async function initialSyncInBrowser(server: AppServer, username: string, expectNotes: number): Promise<number> {
  const device = await launchDevice('initial-sync', PROBE_FILE);
  try {
    const page = await openApp(device, `${server.url}/`, 'initial-sync');
    const r = await page.evaluate(([u, p]) => window.__notesBench!.signInAndSync(u!, p!), [username, PASSWORD]);
    if (r.notes !== expectNotes) throw new Error(`the synced device lists ${r.notes} notes, the space has ${expectNotes}`);
    return r.ms;
  } finally {
    await device.close();
  }
}

/** The same work without the browser: the worker's Store on sqlite-wasm in memory, runSyncCycle over HTTP. */
async function initialSyncInNode(server: AppServer, token: string, expectNotes: number): Promise<number> {
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  try {
    const store = Store.open(db, { now: () => Date.now(), newId: uuidv7 });
    const transport = httpTransport({ baseUrl: server.url, fetch: (input, init) => fetch(input, init), token: () => token });
    const t0 = performance.now();
    await runSyncCycle(store.clientId, workerSyncStore(store, () => {}), transport);
    const ms = performance.now() - t0;
    const row = db.selectObject('SELECT count(*) AS n FROM notes WHERE visible = 1');
    if (Number(row?.n) !== expectNotes) throw new Error(`node sync ended with ${String(row?.n)} notes, not ${expectNotes}`);
    return ms;
  } finally {
    db.close();
  }
}

async function propagation(server: AppServer, plan: Plan): Promise<number[]> {
  const username = uniqueName('bench_live');
  await register(server.url, username);
  const device = await launchDevice('propagation', PROBE_FILE);
  try {
    const a = await openApp(device, `${server.url}/`, 'device-a');
    const b = await openApp(device, `${await server.secondOrigin()}/`, 'device-b');
    for (const page of [a, b]) await page.evaluate(([u, p]) => window.__notesBench!.signInAndSync(u!, p!), [username, PASSWORD]);
    await sleep(500); // both live event streams open
    const samples: number[] = [];
    for (let i = 0; i < plan.propagation.warmup + plan.propagation.reps; i++) {
      const title = `live ${i} ${Math.random().toString(36).slice(2, 10)}`;
      await b.evaluate((t) => window.__notesBench!.watch(t), title);
      const sent = await a.evaluate((t) => window.__notesBench!.createNoteAt(t), title);
      const seen = await b.evaluate((t) => window.__notesBench!.seen(t), title);
      if (i >= plan.propagation.warmup) samples.push(seen - sent);
      await sleep(200);
    }
    return samples;
  } finally {
    await device.close();
  }
}

export async function runSync(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'notes-bench-server-'));
  const server = await serveApp({ appDir: APP_DIR, storageDir: STORAGE_DIR, backend: { kind: 'sqlite', path: path.join(dataDir, 'notes.sqlite') } });
  try {
    const total = plan.initialSync.actions;
    log(`seeding the server with ${total} actions`);
    const seeded = await seededAccount(server, total);
    r.sizes.initialSyncActions = total;
    log('initial sync into a fresh browser device');
    let ms: number;
    try {
      ms = await initialSyncInBrowser(server, seeded.username, seeded.notes);
      r.initialSyncVia = 'browser';
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      log(`initial sync in the browser failed (${why}); measuring runSyncCycle + Store in Node instead`);
      ms = await initialSyncInNode(server, seeded.token, seeded.notes);
      r.initialSyncVia = 'node';
      r.unavailable.initialSyncInBrowser = `the app's worker could not sync (${why}); the figure is runSyncCycle + Store in Node`;
    }
    r.initialSync100kMs = round(ms);
    r.initialSync100kActionsPerSec = Math.round(total / (ms / 1000));

    log(`propagation A -> B: ${plan.propagation.reps} notes`);
    const p = await propagation(server, plan);
    r.propagationP50Ms = round(median(p));
    r.propagationP95Ms = round(percentile(p, 95));
    r.sizes.propagationReps = p.length;
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
