import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui, waitForServiceWorker } from './helpers';
import { E2E_PORT } from './appServer';
import { serveCopyOfDist, type ServedCopy } from './servedCopy';

let app: ServedCopy;
test.beforeAll(async () => {
  app = await serveCopyOfDist(E2E_PORT + 1);
});
test.afterAll(async () => {
  await app?.close();
});

const waitingWorker = (page: import('@playwright/test').Page): Promise<boolean> =>
  page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));

test('a new version waits for the user: "Update available", then Reload brings it in', async ({ page }) => {
  await openApp(page, `${app.url}/`);
  await waitForServiceWorker(page);
  await createNote(page, 'Kept across the update', 'still here');

  // Deploy a new version: the service worker's bytes change.
  appendFileSync(join(app.dir, 'sw.js'), '\n// the next version\n');
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update();
  });

  const prompt = page.getByRole('alert').filter({ hasText: 'Update available' });
  await expect(prompt).toBeVisible();
  // Nothing is swapped under the user until they choose to.
  expect(await waitingWorker(page)).toBe(true);
  await expect(ui(page).body).toHaveValue('still here');

  const reloaded = page.waitForEvent('load');
  await prompt.getByRole('button', { name: 'Reload' }).click();
  await reloaded;
  await expect(prompt).toHaveCount(0);
  await expect(ui(page).syncStatus).toContainText('Local only');
  await expect.poll(() => waitingWorker(page)).toBe(false);
  await expect(listItem(page, 'Kept across the update')).toContainText('still here');
});
