// Several tabs of the app at once (several pages of one browser context are several tabs of one
// browser profile): one tab's worker holds the database, the others forward to it, and a person
// using any tab cannot tell which.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui } from './helpers';

test('a second tab just works: both show and edit the same notes, live', async ({ page, context }) => {
  await openApp(page);
  await createNote(page, 'First tab', 'written in the first tab');

  const second = await context.newPage();
  await openApp(second);
  await expect(listItem(second, 'First tab')).toContainText('written in the first tab');
  await expect(second.getByText(/open in another tab|Waiting for another tab/)).toHaveCount(0);

  // Written in the second tab, shown in the first without a reload.
  await createNote(second, 'Second tab', 'written in the second tab');
  await expect(listItem(page, 'Second tab')).toContainText('written in the second tab');

  // Both tabs have "First tab" open: an edit in one shows in the other's list and editor.
  await listItem(second, 'First tab').getByRole('button').click();
  await expect(ui(second).title).toHaveValue('First tab');
  await ui(page).body.fill('edited in the first tab');
  await expect(listItem(second, 'First tab')).toContainText('edited in the first tab');
  await expect(ui(second).body).toHaveValue('edited in the first tab');

  // And a delete in the second tab empties the first tab's editor.
  await ui(second).deleteNote.click();
  await expect(listItem(page, 'First tab')).toHaveCount(0);
  await expect(ui(page).title).toHaveCount(0);
});

/** Holds the notes' owner lock from a page of the app's origin that is not the app: a tab that never answers. */
async function holdTheNotes(page: Page): Promise<() => Promise<void>> {
  await page.goto('/api/health');
  await page.evaluate(
    () =>
      new Promise<void>((held) => {
        void navigator.locks.request('notes-db-owner', () => {
          held();
          return new Promise<void>((release) => ((window as unknown as { releaseNotes: () => void }).releaseNotes = release));
        });
      }),
  );
  return () => page.evaluate(() => (window as unknown as { releaseNotes: () => void }).releaseNotes());
}

test('while the tab holding the notes does not answer, a new tab says it is waiting, then opens by itself', async ({ page, context }) => {
  const holder = await context.newPage();
  const release = await holdTheNotes(holder);

  await page.goto('/');
  const waiting = page.getByRole('alert').filter({ hasText: 'Waiting for another tab to release the notes' });
  await expect(waiting).toBeVisible({ timeout: 20_000 });

  await release();
  await expect(ui(page).syncStatus).toContainText('Local only');
  await expect(waiting).toHaveCount(0);
  await createNote(page, 'After the wait', 'works');
});

test('a frozen tab does not hold the notes: the others carry on, and it catches up when it wakes', async ({ page, context }) => {
  await openApp(page);
  await createNote(page, 'Before the freeze', 'from the first tab');
  const second = await context.newPage();
  await openApp(second);

  // The first tab (the one holding the database) is frozen, as a browser freezes a background tab.
  // Headless Chromium does not freeze pages (CDP Page.setWebLifecycleState 'frozen' leaves the page
  // running and fires no event), so the page gets the lifecycle events a browser would send.
  await page.evaluate(() => document.dispatchEvent(new Event('freeze')));
  // It lets go of its worker, and with it the database.
  await expect.poll(() => page.workers().length).toBe(0);
  await createNote(second, 'While it was frozen', 'the second tab took over');

  await page.evaluate(() => document.dispatchEvent(new Event('resume')));
  await expect.poll(() => page.workers().length).toBe(1);
  await expect(listItem(page, 'While it was frozen')).toContainText('the second tab took over');
  await createNote(page, 'After waking', 'the first tab works again');
  await expect(listItem(second, 'After waking')).toContainText('works again');
});
