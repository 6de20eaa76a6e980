import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { E2E_HOST, E2E_PORT } from './tests/e2e/appServer';

// Playwright cannot download its own browser on this project's machines: use the system Chromium when
// there is one (CHROMIUM_PATH, else Debian's), and Playwright's own browser anywhere else.
const systemChromium = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/**
 * The one place that says how the e2e suite gets a running app: build once, then the real sync server
 * serves the build and the API (its CSP and headers included) from a fresh database (tests/e2e/appServer.ts).
 */
const appUrl = `http://${E2E_HOST}:${E2E_PORT}`;
const serveBuiltApp = 'npx vite build && npx tsx tests/e2e/appServer.ts';

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: process.env.CI ? 1 : 2,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: appUrl,
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(systemChromium ? { executablePath: systemChromium } : {}),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: {
    command: serveBuiltApp,
    url: `${appUrl}/api/health`,
    // The server removes its temporary database when it is asked to stop.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    // Always test what is in the tree now; E2E_REUSE_SERVER=1 uses an app already served on the port.
    reuseExistingServer: process.env.E2E_REUSE_SERVER === '1',
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
