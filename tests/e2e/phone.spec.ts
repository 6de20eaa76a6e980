import { expect, test } from './fixtures';
import { listItem, openApp, ui } from './helpers';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('on a phone the list and the editor take turns on the screen', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await app.newNote.click();
  // The editor replaces the list.
  await expect(app.title).toBeFocused();
  await expect(app.list).toBeHidden();
  await app.title.fill('On the go');
  await app.body.fill('typed on a small screen');

  await page.getByRole('button', { name: 'Back to notes' }).click();
  await expect(app.title).toBeHidden();
  await expect(listItem(page, 'On the go')).toContainText('typed on a small screen');
  await expect(app.syncStatus).toContainText('Local only');

  await listItem(page, 'On the go').getByRole('button').click();
  await expect(app.body).toHaveValue('typed on a small screen');
  // Nothing is wider than the screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
