// Search (issue 7): the "Search notes" box narrows the list as you type with the worker's full-text
// index, and shows where each note matched with <mark> elements holding the matched text.
import { expect, test } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui } from './helpers';

test('search narrows the list as you type and highlights the matches', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Travel plans', 'Train to Lyon on Friday, then the bus');
  await createNote(page, 'Recipe: crêpes', 'Flour, milk, eggs');
  await createNote(page, 'Groceries', 'Milk, bread, coffee');
  await createNote(page, 'Meeting', 'Lunch plans: Lyonnaise potatoes');

  // Typed key by key: each keystroke searches (debounced), and only the last answer shows.
  await app.search.pressSequentially('lyon');
  await expect.poll(() => listedTitles(page).then((t) => t.sort())).toEqual(['Meeting', 'Travel plans']);
  // Prefix matching: "lyon" finds "Lyonnaise"; the mark holds the text as written in the note.
  await expect(listItem(page, 'Travel plans').locator('mark')).toHaveText(['Lyon']);
  await expect(listItem(page, 'Meeting').locator('mark')).toHaveText(['Lyonnaise']);

  // Titles are searched and highlighted too, with accents folded: "crepe" finds "crêpes".
  await app.search.fill('crepe');
  await expect.poll(() => listedTitles(page)).toEqual(['Recipe: crêpes']);
  await expect(listItem(page, 'Recipe').locator('.note-title mark')).toHaveText(['crêpes']);

  // Every word must match, in title or text.
  await app.search.fill('milk bread');
  await expect.poll(() => listedTitles(page)).toEqual(['Groceries']);
  await expect(listItem(page, 'Groceries').locator('mark')).toHaveText(['Milk', 'bread']);

  // Nothing found says so.
  await app.search.fill('zanzibar');
  await expect(app.list.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('No notes match “zanzibar”')).toBeVisible();

  // Escape clears the search: every note is back, without marks.
  await app.search.press('Escape');
  await expect(app.search).toHaveValue('');
  await expect(app.list.getByRole('listitem')).toHaveCount(4);
  await expect(app.list.locator('mark')).toHaveCount(0);
});

test('search follows edits: a note typed into while searching is found by its new text', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Alpha', 'first');
  await createNote(page, 'Beta', 'second');
  await app.search.fill('zebra');
  await expect(page.getByText('No notes match “zebra”')).toBeVisible();
  // Beta is still open in the editor (desktop): a change made there shows up in the results.
  await app.body.fill('second, with a zebra');
  await expect.poll(() => listedTitles(page)).toEqual(['Beta']);
  await expect(listItem(page, 'Beta').locator('mark')).toHaveText(['zebra']);
});

test('search text with quotes and operators is plain text, and markup in notes stays text', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, '<b>bold</b> "quoted"', 'AND OR NOT (x) * ^');
  await app.search.fill('"quoted" AND (');
  await expect.poll(() => listedTitles(page)).toEqual(['<b>bold</b> "quoted"']);
  await expect(page.locator('.note-title b')).toHaveCount(0);
  await expect(listItem(page, 'quoted').locator('mark')).toContainText(['quoted']);
});
