// Drives the app the way a person does, through the accessible names of DESIGN.md section 7.
import { expect, type Locator, type Page } from '@playwright/test';

export const ui = (page: Page) => ({
  newNote: page.getByRole('button', { name: 'New note', exact: true }),
  deleteNote: page.getByRole('button', { name: 'Delete note', exact: true }),
  list: page.getByRole('list', { name: 'Notes', exact: true }),
  title: page.getByRole('textbox', { name: 'Title', exact: true }),
  body: page.getByRole('textbox', { name: 'Body', exact: true }),
  search: page.getByRole('searchbox', { name: 'Search notes', exact: true }),
  syncStatus: page.getByRole('status', { name: 'Sync status', exact: true }),
});

/** The list entry of the note whose title (or "Untitled") contains `title`. */
export function listItem(page: Page, title: string | RegExp): Locator {
  return ui(page).list.getByRole('listitem').filter({ hasText: title });
}

/** Opens the app and waits until the notes are open (the sync status shows). */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(ui(page).syncStatus).toContainText('Local only');
}

/**
 * Makes a note and waits until the list shows it with the start of its body and the editor says it
 * is saved (the list shows typed text at once, before it is saved: seeing it there is not enough).
 */
export async function createNote(page: Page, title: string, body: string): Promise<void> {
  const app = ui(page);
  await app.newNote.click();
  await expect(app.title).toBeFocused();
  await app.title.fill(title);
  await app.body.fill(body);
  await expect(listItem(page, title)).toContainText(body.split('\n')[0]!.slice(0, 20));
  await expectSaved(page);
}

/** The editor says the text on screen is in the database. */
export async function expectSaved(page: Page): Promise<void> {
  await expect(page.getByRole('region', { name: 'Editor', exact: true }).getByText('Saved', { exact: true })).toBeVisible();
}

/** Titles in the list, top to bottom. */
export async function listedTitles(page: Page): Promise<string[]> {
  return ui(page).list.getByRole('listitem').locator('.note-title').allInnerTexts();
}

/** Waits until a service worker controls the page, so everything the app needs is precached. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);
}
