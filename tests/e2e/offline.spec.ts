import { expect, test } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui, waitForServiceWorker } from './helpers';

test('after the first load the app opens, saves and reopens with no network', async ({ page, context }) => {
  await openApp(page);
  await createNote(page, 'Written online', 'before going offline');
  await waitForServiceWorker(page);

  await context.setOffline(true);
  await page.reload();
  const app = ui(page);
  await expect(app.syncStatus).toContainText('Local only');
  await expect(listItem(page, 'Written online')).toBeVisible();

  await createNote(page, 'Written offline', 'on a train');
  await app.body.fill('on a train, in a tunnel');
  await expect(listItem(page, 'Written offline')).toContainText('in a tunnel');
  await listItem(page, 'Written online').getByRole('button').click();
  await app.title.fill('Written online, edited offline');
  await expect(listItem(page, 'edited offline')).toBeVisible();

  await page.reload();
  await expect(app.syncStatus).toContainText('Local only');
  await expect.poll(() => listedTitles(page)).toEqual(['Written online, edited offline', 'Written offline']);
  await listItem(page, 'Written offline').getByRole('button').click();
  await expect(app.body).toHaveValue('on a train, in a tunnel');
});

test('the sync API is never answered from the service worker cache', async ({ page, context }) => {
  await openApp(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  // Controlled and offline: a cached app shell would answer anything; /api must go to the network.
  const outcome = await page.evaluate(() =>
    fetch('/api/health').then(
      (r) => `answered ${r.status}`,
      () => 'network error',
    ),
  );
  expect(outcome).toBe('network error');
  await expect(page.goto('/api/health')).rejects.toThrow(/ERR_INTERNET_DISCONNECTED|ERR_FAILED/);
});
