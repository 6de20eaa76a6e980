// The real app, as built by its own vite config and served by the real server app: figures seen
// from the page (bench/browser/probe.ts is injected before the app's scripts).
// - runAppLocal: UI round trip and write to visible on a fresh device.
// (Cold start is in coldStart.ts.)

import type { Page } from '@playwright/test';
import { APP_DIR, PROBE_FILE, STORAGE_DIR } from '../lib/build';
import { launchDevice, logPageErrors, type Device } from '../lib/chromium';
import { serveApp, type AppServer } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { median, percentile, round } from '../lib/stats';

export const LIST = 'ul[aria-label="Notes"]';

/** Opens the app in a new tab of the device and waits until the notes list is on the page. */
export async function openApp(device: Device, url: string, label: string): Promise<Page> {
  const page = await device.context.newPage();
  logPageErrors(page, label);
  await page.goto(url);
  await page.waitForSelector(LIST, { state: 'attached' });
  return page;
}

export async function withAppServer<T>(run: (server: AppServer) => Promise<T>): Promise<T> {
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
      r.uiPingP50Ms = round(median(s.pingMs));
      r.writeToVisibleP50Ms = round(median(s.visibleMs));
      r.writeToVisibleP95Ms = round(percentile(s.visibleMs, 95));
      r.sizes.uiReps = s.roundTripMs.length;
    } finally {
      await device.close();
    }
  });
}
