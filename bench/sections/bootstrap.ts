// A new device (a fresh browser profile) signing in to an account of 10,000 notes carrying 200,000
// actions of history (creates spread through it, so the last notes come late in a full pull),
// timed from the sign-in call until the device is synced and its "Notes" list counts every note. Two
// figures from one account, in this order, each on its own new device:
// - bootstrapHistoryPullMs: the first device pulls the account as its whole history (no device has
//   compacted it yet), timed until it says Synced and lists every note; it then stays until it is
//   synced with nothing pending and its history compacted (the snapshots it makes as a device that
//   has seen the whole history, a slice a cycle, all on the server) before the next device starts:
//   sizes.historyPullCompactedAfterMs is that wait.
// - bootstrap10kMs: the next new device, on the account as it now is: a bootstrap through
//   snapshots once the app compacts, the same whole-history pull until then.
// The server is the real app on a SQLite file (as `npm start` uses), seeded in-process.

import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_DIR, PROBE_FILE, STORAGE_DIR } from '../lib/build';
import { launchDevice } from '../lib/chromium';
import { PASSWORD } from '../lib/client';
import { serveApp, type AppServer } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { seedAccount, type SeededAccount } from '../lib/seedServer';
import { STORED_BYTES_SQL } from '../../src/server/store/rows';
import { round } from '../lib/stats';
import { ActionStream } from '../lib/synthetic';
import { openApp } from './app';

/**
 * ms from a new device's sign-in until it is synced and its list counts the account's notes, and
 * the bytes the origin then stores (the device's database on OPFS, as the browser counts it).
 */
async function newDeviceUntilShown(server: AppServer, account: SeededAccount, label: string): Promise<{ ms: number; compactedAfterMs: number; deviceBytes: number }> {
  const device = await launchDevice(label, PROBE_FILE);
  try {
    const page = await openApp(device, `${server.url}/`, label);
    const ms = await page.evaluate(([u, p, n]) => window.__notesBench!.signInUntilShown(u, p, n), [account.username, PASSWORD, account.notes] as const);
    const listed = await page.evaluate(() => window.__notesBench!.listCount());
    if (listed !== account.notes) throw new Error(`the ${label} device lists ${listed} notes, the account has ${account.notes}`);
    // Synced says the notes are in; the snapshots a catch-up owes go up in the cycles after it
    // (syncStore.ts). The device stays until they are on the server, so the next one finds them.
    const compactedAfterMs = await page.evaluate(() => window.__notesBench!.untilCompacted());
    const deviceBytes = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    return { ms, compactedAfterMs, deviceBytes };
  } finally {
    await device.close();
  }
}

/** Bytes of the actions the server stores: those pull serves, and all (covered ones included). */
function serverBytes(file: string): { live: number; all: number } {
  const db = new Database(file, { readonly: true });
  try {
    const size = STORED_BYTES_SQL.sqlite;
    const row = db.prepare(`SELECT coalesce(sum(${size}), 0) AS allBytes, coalesce(sum(CASE WHEN covered_at IS NULL THEN ${size} END), 0) AS liveBytes FROM actions`).get() as { allBytes: number; liveBytes: number };
    return { live: row.liveBytes, all: row.allBytes };
  } finally {
    db.close();
  }
}

export async function runBootstrap(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const { notes, actions } = plan.bootstrap;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'notes-bench-bootstrap-'));
  const server = await serveApp({ appDir: APP_DIR, storageDir: STORAGE_DIR, backend: { kind: 'sqlite', path: path.join(dataDir, 'notes.sqlite') } });
  try {
    log(`seeding an account with ${notes} notes and ${actions} actions of history`);
    const stream = new ActionStream({ clients: 4, createShare: 0, notes, total: actions, seed: 17 });
    const account = await seedAccount(server, 'bench_bootstrap', stream, actions);
    if (account.notes !== notes) throw new Error(`the seeded history leaves ${account.notes} notes, not ${notes}`);
    r.sizes.bootstrapNotes = notes;
    r.sizes.bootstrapActions = actions;

    log('a new device pulls the whole history');
    const first = await newDeviceUntilShown(server, account, 'history-pull');
    r.bootstrapHistoryPullMs = round(first.ms);
    r.sizes.historyPullCompactedAfterMs = round(first.compactedAfterMs);
    log(`whole history: ${r.bootstrapHistoryPullMs} ms; a second new device bootstraps`);
    const second = await newDeviceUntilShown(server, account, 'bootstrap');
    r.bootstrap10kMs = round(second.ms);
    log(`bootstrap: ${r.bootstrap10kMs} ms`);
    // Stored bytes per note after compaction: on the server what pull still serves (covered rows
    // wait out RETENTION_DAYS, counted apart), and on each device the origin's storage.
    const stored = serverBytes(path.join(dataDir, 'notes.sqlite'));
    r.sizes.serverLiveBytesPerNote = round(stored.live / notes);
    r.sizes.serverBytesPerNoteWithRetained = round(stored.all / notes);
    r.sizes.deviceBytesPerNoteAfterHistoryPull = round(first.deviceBytes / notes);
    r.sizes.deviceBytesPerNoteAfterBootstrap = round(second.deviceBytes / notes);
    log(`stored bytes per note: server ${r.sizes.serverLiveBytesPerNote} (with retained history ${r.sizes.serverBytesPerNoteWithRetained}), devices ${r.sizes.deviceBytesPerNoteAfterHistoryPull} / ${r.sizes.deviceBytesPerNoteAfterBootstrap}`);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
