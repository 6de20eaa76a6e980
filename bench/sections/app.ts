// The real app, as built by its own vite config and served by the real server app: figures seen
// from the page (bench/browser/probe.ts is injected before the app's scripts).
// - runAppLocal: UI round trip and write to visible on a fresh device.
// - runColdStart: a device holding N notes (seeded into the app's own database through the app's
//   Store, as if synced in): cold start (a new tab: navigation start to the first list render),
//   write to visible with that list, and reload while offline (served by the service worker).

import type { Page } from '@playwright/test';
import { APP_DIR, PROBE_FILE, STORAGE_DIR } from '../lib/build';
import { launchDevice, logPageErrors, type Device } from '../lib/chromium';
import { serveApp, type AppServer } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { median, percentile, round } from '../lib/stats';
import { OWNER_LOCK } from '../../src/worker/tabs/ownership';

export const LIST = 'ul[aria-label="Notes"]';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens the app in a new tab of the device and waits until the notes list is on the page. */
export async function openApp(device: Device, url: string, label: string): Promise<Page> {
  const page = await device.context.newPage();
  logPageErrors(page, label);
  await page.goto(url);
  await page.waitForSelector(LIST, { state: 'attached' });
  return page;
}

/** Resolves once the app's first render of a list with items has happened; its time since navigation. */
async function firstListRender(page: Page): Promise<{ ms: number; items: number }> {
  await page.waitForFunction(() => (window.__notesBench?.firstListRender ?? null) !== null, null, { timeout: 120_000, polling: 50 });
  return page.evaluate(() => ({ ms: window.__notesBench!.firstListRender!, items: window.__notesBench!.firstListItems }));
}

/** Waits until no tab of this origin holds the database (a closed tab's worker has really ended). */
async function waitForOwnerGone(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/api/health`);
  for (let i = 0; i < 400; i++) {
    const held = await page.evaluate(async (name) => ((await navigator.locks.query()).held ?? []).some((l) => l.name === name), OWNER_LOCK);
    if (!held) return;
    await sleep(25);
  }
  throw new Error('the closed tab never released the database');
}

async function withAppServer<T>(run: (server: AppServer) => Promise<T>): Promise<T> {
  const server = await serveApp({ appDir: APP_DIR, storageDir: STORAGE_DIR, backend: { kind: 'sqlite', path: ':memory:' } });
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

export async function runAppLocal(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  await withAppServer(async (server) => {
    const device = await launchDevice('app', PROBE_FILE);
    try {
      const page = await openApp(device, `${server.url}/`, 'app');
      log(`UI round trip and write to visible: ${plan.ui.reps} notes`);
      const s = await page.evaluate((o) => window.__notesBench!.writeLoop(o), plan.ui);
      r.uiRoundTripP50Ms = round(median(s.roundTripMs));
      r.uiRoundTripP95Ms = round(percentile(s.roundTripMs, 95));
      r.uiReadRoundTripP50Ms = round(median(s.readRoundTripMs));
      r.writeToVisibleP50Ms = round(median(s.visibleMs));
      r.writeToVisibleP95Ms = round(percentile(s.visibleMs, 95));
      r.sizes.uiReps = s.roundTripMs.length;
    } finally {
      await device.close();
    }
  });
}

export async function runColdStart(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const n = plan.coldStart.notes;
  await withAppServer(async (server) => {
    const device = await launchDevice('coldstart', PROBE_FILE);
    try {
      // Before the app's first visit (its service worker would answer this page with the app).
      log(`seeding the app's database with ${n} notes`);
      const seedPage = await device.context.newPage();
      logPageErrors(seedPage, 'seed');
      await seedPage.goto(`${server.url}/__bench/storage/index.html`);
      await seedPage.waitForFunction(() => window.storageBench !== undefined);
      await seedPage.evaluate((count) => window.storageBench!.seedApp(count), n);
      await seedPage.close();

      let page = await device.context.newPage();
      await waitForOwnerGone(page, server.url);
      logPageErrors(page, 'coldstart');
      await page.goto(`${server.url}/`);
      const first = await firstListRender(page);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
      const listed = await page.evaluate(() => window.__notesBench!.listCount());
      if (listed !== n) throw new Error(`the seeded device lists ${listed} notes, not ${n}`);
      r.sizes.coldStartNotes = listed;
      log(`first visit rendered ${first.items} items after ${round(first.ms)} ms (not counted: installs the service worker)`);

      log(`cold start: ${plan.coldStart.reps} new tabs`);
      const cold: number[] = [];
      for (let i = 0; i < plan.coldStart.reps; i++) {
        await page.close();
        page = await device.context.newPage();
        logPageErrors(page, 'coldstart');
        await waitForOwnerGone(page, server.url);
        await page.goto(`${server.url}/`);
        const t = await firstListRender(page);
        // The first render may be the first screen of the list (the app reads the rest after it).
        if (t.items === 0 || t.items > n) throw new Error(`cold start rendered ${t.items} items, not up to ${n}`);
        cold.push(t.ms);
      }
      r.coldStart10kMs = round(median(cold));
      r.sizes.coldStartReps = cold.length;

      log(`write to visible with ${n} notes listed: ${plan.coldStart.visibleReps} notes`);
      const w = await page.evaluate((o) => window.__notesBench!.writeLoop(o), { warmup: 2, reps: plan.coldStart.visibleReps, bodyChars: 300 });
      r.writeToVisible10kP50Ms = round(median(w.visibleMs));

      log(`offline reload: ${plan.coldStart.reps} reloads`);
      await device.context.setOffline(true);
      const offline: number[] = [];
      try {
        for (let i = 0; i < plan.coldStart.reps; i++) {
          await page.reload();
          offline.push((await firstListRender(page)).ms);
        }
      } finally {
        await device.context.setOffline(false);
      }
      r.offlineReloadMs = round(median(offline));
    } finally {
      await device.close();
    }
  });
}
