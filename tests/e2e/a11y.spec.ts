// Accessibility (issue 10): axe-core finds no WCAG 2.2 AA violation in any main view of the app,
// in the light theme and in the dark one (styles.css switches on prefers-color-scheme): the notes
// list (with search highlights and an untitled note), a note open in the editor, the Trash with the
// Undo toast, Settings, and the Account dialog.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createNote, listItem, openApp, ui } from './helpers';

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Scans the page as it is now; on failure the message lists each violation's rule, element and why. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const found = violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact ?? 'no impact'}: ${v.help}) at ${n.target.join(' > ')}\n    ${n.failureSummary ?? ''}`),
  );
  expect(found, `accessibility violations in ${view}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no WCAG 2.2 AA violations in the main views, ${colorScheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await openApp(page);
    await createNote(page, 'Groceries', 'milk, bread and eggs');
    await createNote(page, 'Plans for the week', 'Monday: write the report');
    await ui(page).newNote.click();
    await ui(page).body.fill('a note without a title');
    await expect(listItem(page, 'Untitled')).toBeVisible();

    await listItem(page, 'Groceries').getByRole('button').click();
    await expect(ui(page).title).toHaveValue('Groceries');
    await expectAccessible(page, 'the editor, a note open');

    await ui(page).search.fill('milk');
    await expect(ui(page).list.locator('mark')).toHaveText(['milk']);
    await expectAccessible(page, 'the notes list, searched');
    await ui(page).search.fill('');
    await expect(ui(page).list.getByRole('listitem')).toHaveCount(3);

    await listItem(page, 'Plans for the week').getByRole('button').click();
    await ui(page).deleteNote.click();
    await expect(page.getByRole('status').filter({ hasText: 'Note deleted' })).toBeVisible();
    await expectAccessible(page, 'the notes list, with the Undo toast');
    await page.getByRole('button', { name: 'Trash', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Trash', exact: true }).getByRole('listitem')).toHaveCount(1);
    await expectAccessible(page, 'the Trash');

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings.getByRole('region', { name: 'Storage' })).toContainText('Using');
    await expectAccessible(page, 'Settings');
    await settings.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Account' }).click();
    await expect(page.getByLabel('Username')).toBeVisible();
    await expectAccessible(page, 'the Account dialog');
  });
}
