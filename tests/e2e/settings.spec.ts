// Storage and installation (issue 7): the app asks for persistent storage once there is a note,
// Settings shows usage and says plainly when storage is not persistent, with a way to ask again;
// the Install button follows the browser's offer.
import { expect, test } from './fixtures';
import { createNote, openApp } from './helpers';

/**
 * Headless Chromium decides persistence on its own heuristics: the test plays the browser's part
 * (StorageManager.persist/persisted in the page), answering no until it is told to say yes, and
 * counting the requests. Usage and quota stay the browser's own.
 */
test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const count = (): number => Number(sessionStorage.getItem('persist-requests') ?? '0');
    StorageManager.prototype.persisted = async () => sessionStorage.getItem('persisted') === 'yes';
    StorageManager.prototype.persist = async () => {
      sessionStorage.setItem('persist-requests', String(count() + 1));
      if (sessionStorage.getItem('grant') === 'yes') sessionStorage.setItem('persisted', 'yes');
      return sessionStorage.getItem('persisted') === 'yes';
    };
  });
});

const requests = (page: import('@playwright/test').Page) => page.evaluate(() => Number(sessionStorage.getItem('persist-requests') ?? '0'));

test('persistent storage: asked once there is a note, not persistent said plainly, asked again from Settings', async ({ page }) => {
  await openApp(page);
  // No notes, nothing worth asking for yet.
  expect(await requests(page)).toBe(0);
  await createNote(page, 'Worth keeping', 'precious');
  await expect.poll(() => requests(page)).toBe(1);
  await createNote(page, 'Another', 'still one request per page');
  expect(await requests(page)).toBe(1);

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const storage = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Storage' });
  await expect(storage).toContainText(/Using \d[\d.,]* (B|kB|MB|GB) of \d[\d.,]* (kB|MB|GB|TB) this browser allows the app\./);
  await expect(storage).toContainText('Not persistent.');
  await expect(storage).toContainText('The browser may delete');
  await expect(storage).toContainText('The browser said no.');

  // The browser now agrees.
  await page.evaluate(() => sessionStorage.setItem('grant', 'yes'));
  await storage.getByRole('button', { name: 'Ask to keep my notes' }).click();
  await expect(storage).toContainText('Persistent.');
  await expect(storage).not.toContainText('Not persistent');
  expect(await requests(page)).toBe(2);

  // Already persistent: a new page does not ask again.
  await page.reload();
  await expect(page.getByRole('status', { name: 'Sync status' })).toContainText('Local only');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(storage).toContainText('Persistent.');
  expect(await requests(page)).toBe(2);
});

test('Install app shows when the browser offers it, prompts once, and goes away once installed', async ({ page }) => {
  await openApp(page);
  const install = page.getByRole('button', { name: 'Install app' });
  await expect(install).toHaveCount(0);

  // What Chromium does when the app is installable: a cancelable beforeinstallprompt with prompt().
  const offer = () =>
    page.evaluate(() => {
      const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => sessionStorage.setItem('prompted', String(Number(sessionStorage.getItem('prompted') ?? '0') + 1)),
        userChoice: Promise.resolve({ outcome: 'dismissed' }),
      });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
  // The app keeps the offer for its own button (the browser's mini-infobar is held back).
  expect(await offer()).toBe(true);
  await expect(install).toBeVisible();
  await install.click();
  await expect.poll(() => page.evaluate(() => sessionStorage.getItem('prompted'))).toBe('1');
  // An offer prompts once; dismissed, the button waits for the browser's next offer.
  await expect(install).toHaveCount(0);

  await offer();
  await expect(install).toBeVisible();
  await page.evaluate(() => window.dispatchEvent(new Event('appinstalled')));
  await expect(install).toHaveCount(0);
  await offer();
  await expect(install).toHaveCount(0);
});
