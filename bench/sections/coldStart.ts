// Cold start of the real app (a new tab: navigation start to the list's first render) on two
// devices side by side: one holding N notes (seeded into the app's own database through the app's
// Store, as if synced in) and one holding none, so their ratio is what the notes cost. New tabs
// alternate between the two, so a change in the machine's load falls on both. Then, on the device
// with N notes: write to visible with that list, and reload while offline (the service worker).

import type { Page } from '@playwright/test';
import { PROBE_FILE } from '../lib/build';
import { launchDevice, logPageErrors, type Device } from '../lib/chromium';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { median, round } from '../lib/stats';
import { OWNER_LOCK } from '../../src/worker/tabs/ownership';
import { withAppServer } from './app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the app's list has first rendered (rows, or its empty state); its time since navigation. */
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

/** One device of the comparison: its open tab, and what its first render must show. */
interface ColdDevice {
  readonly device: Device;
  readonly label: string;
  page: Page;
  /** The note count it holds; its first render shows up to that many (the first screen may be fewer). */
  readonly notes: number;
}

/** The first visit installs the service worker: not counted, but later tabs start as a user's do. */
async function firstVisit(device: Device, url: string, label: string, notes: number): Promise<ColdDevice> {
  const page = await device.context.newPage();
  logPageErrors(page, label);
  await page.goto(`${url}/`);
  await firstListRender(page);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  const listed = await page.evaluate(() => window.__notesBench!.listCount());
  if (listed !== notes) throw new Error(`the ${label} device lists ${listed} notes, not ${notes}`);
  return { device, label, page, notes };
}

/** Closes the device's tab and opens a new one: ms from its navigation to the list's first render. */
async function newTab(d: ColdDevice, url: string): Promise<number> {
  await d.page.close();
  d.page = await d.device.context.newPage();
  logPageErrors(d.page, d.label);
  await waitForOwnerGone(d.page, url);
  await d.page.goto(`${url}/`);
  const t = await firstListRender(d.page);
  const ok = d.notes === 0 ? t.items === 0 : t.items > 0 && t.items <= d.notes;
  if (!ok) throw new Error(`a cold start of the ${d.label} device rendered ${t.items} items (it holds ${d.notes})`);
  return t.ms;
}

export async function runColdStart(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const n = plan.coldStart.notes;
  await withAppServer(async (server) => {
    const devices: Device[] = [];
    try {
      const full = await launchDevice('coldstart', PROBE_FILE);
      devices.push(full);
      const empty = await launchDevice('coldstart-empty', PROBE_FILE);
      devices.push(empty);
      // Before the app's first visit (its service worker would answer this page with the app).
      log(`seeding the app's database with ${n} notes`);
      const seedPage = await full.context.newPage();
      logPageErrors(seedPage, 'seed');
      await seedPage.goto(`${server.url}/__bench/storage/index.html`);
      await seedPage.waitForFunction(() => window.storageBench !== undefined);
      await seedPage.evaluate((count) => window.storageBench!.seedApp(count), n);
      await seedPage.close();

      const withNotes = await firstVisit(full, server.url, 'coldstart', n);
      const withNone = await firstVisit(empty, server.url, 'coldstart-empty', 0);
      r.sizes.coldStartNotes = n;

      log(`cold start: ${plan.coldStart.reps} new tabs with ${n} notes and as many with none, alternating`);
      const cold: number[] = [];
      const coldEmpty: number[] = [];
      for (let i = 0; i < plan.coldStart.reps; i++) {
        const pair = i % 2 === 0 ? ([withNotes, withNone] as const) : ([withNone, withNotes] as const);
        for (const d of pair) (d === withNotes ? cold : coldEmpty).push(await newTab(d, server.url));
      }
      r.coldStart10kMs = round(median(cold));
      r.coldStartEmptyMs = round(median(coldEmpty));
      r.sizes.coldStartReps = cold.length;
      await empty.close();

      const page = withNotes.page;
      log(`write to visible with ${n} notes listed: ${plan.coldStart.visibleReps} notes`);
      const w = await page.evaluate((o) => window.__notesBench!.writeLoop(o), { warmup: 2, reps: plan.coldStart.visibleReps, bodyChars: 300, pauseMs: plan.ui.pauseMs });
      r.writeToVisible10kP50Ms = round(median(w.visibleMs));

      log(`offline reload: ${plan.coldStart.reps} reloads`);
      await full.context.setOffline(true);
      const offline: number[] = [];
      try {
        for (let i = 0; i < plan.coldStart.reps; i++) {
          await page.reload();
          offline.push((await firstListRender(page)).ms);
        }
      } finally {
        await full.context.setOffline(false);
      }
      r.offlineReloadMs = round(median(offline));
    } finally {
      for (const d of devices) await d.close();
    }
  });
}
