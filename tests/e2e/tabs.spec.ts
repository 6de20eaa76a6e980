import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui } from './helpers';

test('a second tab says plainly that the notes are open in another tab', async ({ page, context }) => {
  await openApp(page);
  await createNote(page, 'First tab', 'holds the database');

  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByRole('alert')).toContainText('open in another tab');
  await expect(second.getByRole('heading', { name: /open in another tab/ })).toBeVisible();
  await expect(ui(second).title).toHaveCount(0);

  // The first tab is unaffected.
  await ui(page).body.fill('still writing here');
  await expect(listItem(page, 'First tab')).toContainText('still writing here');

  // Once the first tab is closed, the second one can take over.
  await page.close();
  await expect(async () => {
    await second.getByRole('button', { name: 'Try again' }).click({ timeout: 2_000 });
    await expect(ui(second).syncStatus).toContainText('Local only', { timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(listItem(second, 'First tab')).toContainText('still writing here');
});
