// Headless Chromium for the bench: the system's browser (CHROMIUM_PATH, else Debian's), one
// persistent profile per "device" so OPFS, IndexedDB and the service worker live on disk as they do
// for a user (an incognito-like context may keep OPFS in memory, which would flatter every write).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Pages in the background (the second device) must not have their timers slowed.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface Device {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchDevice(name: string, probeFile?: string): Promise<Device> {
  const dir = await mkdtemp(path.join(tmpdir(), `notes-bench-${name}-`));
  const context = await chromium.launchPersistentContext(dir, {
    headless: true,
    ...(executablePath ? { executablePath } : {}),
    args: ARGS,
    serviceWorkers: 'allow',
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(120_000);
  if (probeFile) await context.addInitScript({ path: probeFile });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The browser's full version ("156.0.8078.79"), from the binary itself (the user agent rounds it). */
export function chromiumVersion(): string | undefined {
  try {
    const out = execFileSync(executablePath ?? chromium.executablePath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return /(\d+\.\d+\.\d+\.\d+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/** "HeadlessChrome/156.0.1.2" -> "156.0.1.2". */
export async function browserVersion(page: Page): Promise<string> {
  const ua = await page.evaluate(() => navigator.userAgent);
  return /Chrome\/([\d.]+)/.exec(ua)?.[1] ?? ua;
}

/** Surfaces page errors in the bench's log (a broken page should say why, not just time out). */
export function logPageErrors(page: Page, label: string): void {
  page.on('pageerror', (e) => console.error(`[${label}] page error: ${e.message}`));
  page.on('console', (m) => {
    // A page with no icon of its own (the JSON of /api/health) makes the browser ask for /favicon.ico.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) console.error(`[${label}] console: ${m.text()}`);
  });
}
