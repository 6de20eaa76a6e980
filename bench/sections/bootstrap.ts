// A new device (a fresh browser profile) signing in to an account of 10,000 notes carrying 200,000
// actions of history (creates spread through it, so the last notes come late in a full pull),
// timed from the sign-in call until the device is synced and its "Notes" list counts every note. Two
// figures from one account, in this order, each on its own new device:
// - bootstrapHistoryPullMs: the first device pulls the account as its whole history (no device has
//   compacted it yet); it then stays until it is synced with nothing pending, so whatever it sends
//   back as a device that has seen the whole history (snapshots, once the app makes them) is on the
//   server before the next device starts.
// - bootstrap10kMs: the next new device, on the account as it now is: a bootstrap through
//   snapshots once the app compacts, the same whole-history pull until then.
// The server is the real app on a SQLite file (as `npm start` uses), seeded in-process.

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
import { round } from '../lib/stats';
import { ActionStream } from '../lib/synthetic';
import { openApp } from './app';

/** ms from a new device's sign-in until it is synced and its list counts the account's notes. */
async function newDeviceUntilShown(server: AppServer, account: SeededAccount, label: string): Promise<number> {
  const device = await launchDevice(label, PROBE_FILE);
  try {
    const page = await openApp(device, `${server.url}/`, label);
    const ms = await page.evaluate(([u, p, n]) => window.__notesBench!.signInUntilShown(u, p, n), [account.username, PASSWORD, account.notes] as const);
    const listed = await page.evaluate(() => window.__notesBench!.listCount());
    if (listed !== account.notes) throw new Error(`the ${label} device lists ${listed} notes, the account has ${account.notes}`);
    return ms;
  } finally {
    await device.close();
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
    r.bootstrapHistoryPullMs = round(await newDeviceUntilShown(server, account, 'history-pull'));
    log(`whole history: ${r.bootstrapHistoryPullMs} ms; a second new device bootstraps`);
    r.bootstrap10kMs = round(await newDeviceUntilShown(server, account, 'bootstrap'));
    log(`bootstrap: ${r.bootstrap10kMs} ms`);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
