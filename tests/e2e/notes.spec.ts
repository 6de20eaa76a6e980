import { expect, test } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui } from './helpers';

test('a new user sees an empty state and the local-only status', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await expect(app.list.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('No notes yet')).toBeVisible();
  await expect(app.syncStatus).toHaveText(/Local only/);
  await expect(app.search).toBeVisible();
});

test('creates, edits and deletes notes, and the list follows', async ({ page }) => {
  await openApp(page);
  const app = ui(page);

  await createNote(page, 'Groceries', 'Milk, eggs, bread');
  await createNote(page, 'Ideas', 'A notes app that works offline');
  // Most recently changed first.
  expect(await listedTitles(page)).toEqual(['Ideas', 'Groceries']);

  // Edit the older note: typed key by key, saved as you type, and it moves to the top.
  await listItem(page, 'Groceries').getByRole('button').click();
  await expect(app.title).toHaveValue('Groceries');
  await expect(app.body).toHaveValue('Milk, eggs, bread');
  await app.title.click();
  await app.title.press('End');
  await app.title.pressSequentially(' for Sunday');
  await expect(listItem(page, 'Groceries for Sunday')).toBeVisible();
  await expect.poll(() => listedTitles(page)).toEqual(['Groceries for Sunday', 'Ideas']);

  // A note without a title is listed as Untitled.
  await app.newNote.click();
  await app.body.fill('just a thought');
  await expect(listItem(page, 'Untitled')).toContainText('just a thought');

  // Delete the open (untitled) note.
  await app.deleteNote.click();
  await expect(listItem(page, 'Untitled')).toHaveCount(0);
  await expect.poll(() => listedTitles(page)).toEqual(['Groceries for Sunday', 'Ideas']);

  // Delete another, chosen from the list.
  await listItem(page, 'Ideas').getByRole('button').click();
  await expect(app.title).toHaveValue('Ideas');
  await app.deleteNote.click();
  await expect.poll(() => listedTitles(page)).toEqual(['Groceries for Sunday']);
});

test('notes, edits and deletions are all there after a reload', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Keep me', 'first line\nsecond line');
  await createNote(page, 'Delete me', 'soon gone');
  await createNote(page, 'Edit me', 'before');
  await app.body.fill('after the edit');
  await expect(listItem(page, 'Edit me')).toContainText('after the edit');
  await listItem(page, 'Delete me').getByRole('button').click();
  await app.deleteNote.click();
  await expect(listItem(page, 'Delete me')).toHaveCount(0);

  await page.reload();
  await expect(app.syncStatus).toContainText('Local only');
  await expect.poll(() => listedTitles(page)).toEqual(['Edit me', 'Keep me']);
  await listItem(page, 'Keep me').getByRole('button').click();
  await expect(app.body).toHaveValue('first line\nsecond line');
  await listItem(page, 'Edit me').getByRole('button').click();
  await expect(app.body).toHaveValue('after the edit');
});

test('switching notes right after typing loses nothing', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'One', 'one');
  await createNote(page, 'Two', 'two');
  // Type and switch at once, well inside the save debounce.
  await app.body.pressSequentially(' and more');
  await listItem(page, 'One').getByRole('button').click();
  await expect(app.title).toHaveValue('One');
  await listItem(page, 'Two').getByRole('button').click();
  await expect(app.body).toHaveValue('two and more');
  await page.reload();
  await listItem(page, 'Two').getByRole('button').click();
  await expect(app.body).toHaveValue('two and more');
});

test('a note opens at its beginning, whatever the note before it was scrolled to', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  const long = (word: string) => Array.from({ length: 120 }, (_, i) => `${word} line ${i + 1}`).join('\n');
  await createNote(page, 'One', long('one'));
  await createNote(page, 'Two', long('two'));
  const scrollTop = () => app.body.evaluate((el: HTMLTextAreaElement) => el.scrollTop);
  await listItem(page, 'One').getByRole('button').click();
  await expect(app.body).toHaveValue(long('one'));
  await app.body.hover();
  await page.mouse.wheel(0, 1500);
  await expect.poll(scrollTop).toBeGreaterThan(500);
  await listItem(page, 'Two').getByRole('button').click();
  await expect(app.body).toHaveValue(long('two'));
  expect(await scrollTop()).toBe(0);
});

test('search filters the list by title and text', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Recipe', 'Pancakes: flour, milk');
  await createNote(page, 'Travel', 'Train to Lyon');
  await app.search.fill('lyon');
  await expect.poll(() => listedTitles(page)).toEqual(['Travel']);
  await app.search.fill('recipe');
  await expect.poll(() => listedTitles(page)).toEqual(['Recipe']);
  await app.search.fill('nothing like this');
  await expect(app.list.getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText(/No notes match/)).toBeVisible();
  await app.search.fill('');
  await expect(app.list.getByRole('listitem')).toHaveCount(2);
});

test('note text is shown as text, never as markup', async ({ page }) => {
  await openApp(page);
  const markup = '<img src=x onerror="document.title=\'owned\'"><b>bold</b>';
  await createNote(page, markup, markup);
  await expect(listItem(page, '<b>bold</b>')).toBeVisible();
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page).not.toHaveTitle('owned');
});
