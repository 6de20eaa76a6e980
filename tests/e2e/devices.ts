// Two browser contexts are two devices: each has its own storage (its own SQLite on OPFS), its own
// network switch (setOffline) and its own session. They share only the server.
import type { Browser, BrowserContext, Locator, Page, TestInfo } from '@playwright/test';
import { watchContext } from './fixtures';
import { expect } from './fixtures';
import { expectSaved, listItem, openApp, ui } from './helpers';

export interface Device {
  readonly context: BrowserContext;
  readonly page: Page;
}

export async function openDevice(browser: Browser, testInfo: TestInfo, problems: string[]): Promise<Device> {
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, serviceWorkers: 'allow' });
  watchContext(context, problems);
  const page = await context.newPage();
  await openApp(page);
  return { context, page };
}

/** A username no other test (or earlier run against the same server) has taken. */
export function uniqueUsername(testInfo: TestInfo, who: string): string {
  return `${who}-${testInfo.workerIndex}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

export const PASSWORD = 'correct horse battery';

export const account = (page: Page) => ({
  open: page.getByRole('button', { name: 'Account', exact: true }),
  dialog: page.getByRole('dialog'),
  username: page.getByRole('dialog').getByLabel('Username', { exact: true }),
  password: page.getByRole('dialog').getByLabel('Password', { exact: true }),
  signIn: page.getByRole('button', { name: 'Sign in', exact: true }),
  createAccount: page.getByRole('button', { name: 'Create account', exact: true }),
  signOut: page.getByRole('button', { name: 'Sign out', exact: true }),
  changePassword: page.getByRole('dialog').getByRole('button', { name: 'Change password', exact: true }),
  currentPassword: page.getByRole('dialog').getByLabel('Current password', { exact: true }),
  newPassword: page.getByRole('dialog').getByLabel('New password', { exact: true }),
  signOutEverywhere: page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere', exact: true }),
  deleteAccount: page.getByRole('dialog').getByRole('button', { name: 'Delete account', exact: true }),
  error: page.getByRole('dialog').getByRole('alert'),
});

/** Fills the account panel and presses `button`; leaves the outcome to the caller. */
export async function submitAccountForm(page: Page, button: 'Sign in' | 'Create account', username: string, password = PASSWORD): Promise<void> {
  const a = account(page);
  if (!(await a.dialog.isVisible())) await a.open.click();
  await a.username.fill(username);
  await a.password.fill(password);
  await (button === 'Sign in' ? a.signIn : a.createAccount).click();
}

/** Signs in (or up) and waits until the first sync is done: the panel closes, the status says Synced. */
export async function signIn(page: Page, button: 'Sign in' | 'Create account', username: string, password = PASSWORD): Promise<void> {
  await submitAccountForm(page, button, username, password);
  await expect(account(page).dialog).toBeHidden();
  await expect(page.getByText(`Signed in as ${username}`)).toBeVisible();
  await expectSynced(page);
}

/** Synced, with nothing left to upload. */
export async function expectSynced(page: Page): Promise<void> {
  await expect(ui(page).syncStatus).toContainText('Synced', { timeout: 20_000 });
  await expect(page.getByText(/changes? not synced/)).toHaveCount(0, { timeout: 20_000 });
}

export function notSyncedMark(page: Page, title: string): Locator {
  return listItem(page, title).getByRole('img', { name: 'Not synced yet' });
}

export const conflicts = (page: Page) => page.getByRole('region', { name: 'Conflicts', exact: true });

/** The Conflicts entry that shows `lostText`. */
export function conflictEntry(page: Page, lostText: string): Locator {
  return conflicts(page).getByRole('listitem').filter({ hasText: lostText });
}

/** Opens a note from the list and returns once the editor shows it. */
export async function openNote(page: Page, title: string): Promise<void> {
  await listItem(page, title).getByRole('button').click();
  await expect(ui(page).title).toHaveValue(title);
}

/**
 * Replaces the open note's title and waits until it is saved: the list shows typed text at once,
 * before it is saved, so the editor's "Saved" is what proves it.
 */
export async function setTitle(page: Page, title: string): Promise<void> {
  await ui(page).title.fill(title);
  await expect(listItem(page, title)).toBeVisible();
  await expectSaved(page);
}

/**
 * Replaces the open note's body and waits until it is saved (the list shows it, then the editor
 * says "Saved"). fill() puts the
 * whole new text in at once: the worker saves it as an edit, the difference from the text it
 * replaced, so on a body another device changed too both changes merge.
 */
export async function setBody(page: Page, title: string, body: string): Promise<void> {
  await ui(page).body.fill(body);
  await expect(listItem(page, title)).toContainText(body.slice(0, 20));
  await expectSaved(page);
}

/**
 * A mark on the page that a reload or navigation would wipe: the test checks it is still there to
 * prove a change arrived live.
 */
export async function markPage(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate(() => {
    (window as unknown as { notReloaded?: boolean }).notReloaded = true;
  });
  return () => page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);
}
