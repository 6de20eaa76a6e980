import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui } from './helpers';

test('when storage is full the editor keeps the text, says why, and saves it on the next edit', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Big note', 'short for now');

  // Squeeze this origin's quota (Chromium's own quota system, via DevTools) to what it already uses.
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (usage ?? 0) + 16 * 1024 });

  const big = 'A long paragraph that does not fit. '.repeat(10_000);
  await app.body.fill(big);
  // The browser refuses the write. The worker names it StorageFullError when the storage estimate shows
  // the origin full; under this DevTools override the estimate does not change, so the worker may only
  // know that the write failed. Either way the user is told it is not saved, and why.
  await expect(page.getByRole('alert')).toContainText(/Storage is full|Not saved: .*storage/);
  expect((await app.body.inputValue()) === big, 'the typed text is still in the editor').toBe(true);
  await expect(listItem(page, 'Big note')).toContainText('short for now');

  // Room again: the next edit saves everything typed, the failed part included.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await app.body.press('End');
  await app.body.pressSequentially('!');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(listItem(page, 'Big note')).toContainText('A long paragraph');

  await page.reload();
  await listItem(page, 'Big note').getByRole('button').click();
  await expect.poll(async () => (await app.body.inputValue()) === `${big}!`, { message: 'the whole text came back' }).toBe(true);
});
