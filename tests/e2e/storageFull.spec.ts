import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui } from './helpers';

/**
 * Starts recording every text the list row of the note titled `title` shows, in order (a
 * MutationObserver in the page), so a state the row passes through quickly is seen too.
 */
async function recordRow(page: Page, title: string): Promise<() => Promise<string[]>> {
  await page.evaluate((t) => {
    const seen: string[] = [];
    const list = document.querySelector('ul[aria-label="Notes"]')!;
    const rowText = (): string => [...list.querySelectorAll('li')].map((li) => li.textContent ?? '').find((text) => text.includes(t)) ?? '';
    new MutationObserver(() => {
      const text = rowText();
      if (seen[seen.length - 1] !== text) seen.push(text);
    }).observe(list, { childList: true, subtree: true, characterData: true });
    (window as unknown as { rowTexts: string[] }).rowTexts = seen;
  }, title);
  return () => page.evaluate(() => (window as unknown as { rowTexts: string[] }).rowTexts);
}

test('when storage is full the list shows the edit at once, then takes it back and says why; the editor keeps the text, saved on the next edit', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Big note', 'short for now');

  // Squeeze this origin's quota (Chromium's own quota system, via DevTools) to what it already uses.
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const { usage } = await page.evaluate(() => navigator.storage.estimate());
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (usage ?? 0) + 16 * 1024 });

  const rowTexts = await recordRow(page, 'Big note');
  const big = 'A long paragraph that does not fit. '.repeat(10_000);
  await app.body.fill(big);
  // Optimistic: the row shows the typed text before the save is even tried (it waits for a pause).
  await expect(listItem(page, 'Big note')).toContainText('A long paragraph');

  // The browser refuses the write. The worker names it StorageFullError when the storage estimate shows
  // the origin full; under this DevTools override the estimate does not change, so the worker may only
  // know that the write failed. Either way the user is told it is not saved, and why.
  await expect(page.getByRole('alert')).toContainText(/Storage is full|Not saved: .*storage/);
  // Rolled back: the row shows what is stored again, and the editor still has every typed character.
  await expect(listItem(page, 'Big note')).toContainText('short for now');
  expect((await app.body.inputValue()) === big, 'the typed text is still in the editor').toBe(true);
  const seen = await rowTexts();
  const shownAt = seen.findIndex((t) => t.includes('A long paragraph'));
  expect(shownAt, `the row showed the edit at once (it showed: ${JSON.stringify(seen)})`).toBeGreaterThanOrEqual(0);
  expect(seen.slice(shownAt).some((t) => t.includes('short for now')), 'then it went back to the stored text').toBe(true);

  // Room again: the next edit saves everything typed, the failed part included, and the list shows it.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await app.body.press('End');
  await app.body.pressSequentially('!');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(listItem(page, 'Big note')).toContainText('A long paragraph');
  await expect(page.getByRole('region', { name: 'Editor', exact: true }).getByText('Saved', { exact: true })).toBeVisible();

  await page.reload();
  await expect(listItem(page, 'Big note')).toContainText('A long paragraph');
  await listItem(page, 'Big note').getByRole('button').click();
  await expect.poll(async () => (await app.body.inputValue()) === `${big}!`, { message: 'the whole text came back' }).toBe(true);
});
