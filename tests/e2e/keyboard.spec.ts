// Keyboard (issue 7): everything without a mouse. Alt+N makes a note, "/" and Ctrl+K go to the
// search, Escape leaves the editor for the note's list entry, the arrow keys move through the
// list and Enter opens, the Delete note button and Ctrl+Z (undo the delete) work from the keyboard,
// and the focus is always visible.
import { expect, test } from './fixtures';
import { listedTitles, listItem, openApp, ui } from './helpers';

test('keyboard only: create, search and delete notes', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  const entry = (title: string) => listItem(page, title).getByRole('button');

  // New note (Alt+N), title, Enter to the body, Escape back to the list.
  for (const [title, body] of [
    ['Shopping', 'milk and eggs'],
    ['Ideas', 'offline first'],
    ['Travel', 'train to Lyon'],
  ] as const) {
    await page.keyboard.press('Alt+KeyN');
    await expect(app.title).toBeFocused();
    await page.keyboard.type(title);
    await page.keyboard.press('Enter');
    await expect(app.body).toBeFocused();
    await page.keyboard.type(body);
    await page.keyboard.press('Escape');
    await expect(entry(title)).toBeFocused();
    await expect(entry(title)).toContainText(body);
  }
  // The focus shows.
  await expect(entry('Travel')).toHaveCSS('outline-style', 'solid');

  // The arrow keys move through the list; above the first entry is the search box.
  await page.keyboard.press('ArrowDown');
  await expect(entry('Ideas')).toBeFocused();
  await page.keyboard.press('End');
  await expect(entry('Shopping')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(entry('Travel')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(app.search).toBeFocused();

  // The list is one stop in the Tab order: Tab goes on to Trash, which opens with Enter and
  // closes with Escape.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Trash', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Trash' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Trash', exact: true })).toBeFocused();

  // "/" goes to the search; typing narrows; Down goes into the results; Enter opens, into the note.
  await page.keyboard.press('/');
  await expect(app.search).toBeFocused();
  await page.keyboard.type('lyon');
  await expect.poll(() => listedTitles(page)).toEqual(['Travel']);
  await page.keyboard.press('ArrowDown');
  await expect(entry('Travel')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(app.title).toBeFocused();
  await expect(app.title).toHaveValue('Travel');

  // Delete note is one Shift+Tab before the title.
  await page.keyboard.press('Shift+Tab');
  await expect(app.deleteNote).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(listItem(page, 'Travel')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Note deleted' })).toBeVisible();

  // Ctrl+Z, outside a text field, undoes the delete.
  await page.keyboard.press('Control+KeyZ');
  await expect(app.title).toBeFocused();
  await expect(app.title).toHaveValue('Travel');
  await expect(listItem(page, 'Travel')).toBeVisible();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(listItem(page, 'Travel')).toHaveCount(0);

  // Ctrl+K goes to the search from anywhere; Escape clears it and every note is back.
  await page.keyboard.press('Control+KeyK');
  await expect(app.search).toBeFocused();
  await expect(app.search).toHaveValue('lyon');
  await page.keyboard.press('Escape');
  await expect(app.search).toHaveValue('');
  await expect.poll(() => listedTitles(page).then((t) => t.sort())).toEqual(['Ideas', 'Shopping']);

  // Enter in the search box opens the best match.
  await page.keyboard.type('shop');
  await expect.poll(() => listedTitles(page)).toEqual(['Shopping']);
  await page.keyboard.press('Enter');
  await expect(app.title).toHaveValue('Shopping');
  await expect(app.title).toBeFocused();
});

test('shortcuts are announced: tooltips, aria-keyshortcuts and the list in Settings', async ({ page }) => {
  await openApp(page);
  await expect(ui(page).newNote).toHaveAttribute('aria-keyshortcuts', 'Alt+N');
  await expect(ui(page).newNote).toHaveAttribute('title', 'New note (Alt+N)');
  await expect(ui(page).search).toHaveAttribute('aria-keyshortcuts', '/ Control+K');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const shortcuts = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Keyboard shortcuts' });
  await expect(shortcuts).toContainText('Alt+N');
  await expect(shortcuts).toContainText('Ctrl+K');
  // Escape closes Settings, and shortcuts are the dialog's own while it is open.
  await page.keyboard.press('Alt+KeyN');
  await expect(ui(page).title).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeHidden();
});
