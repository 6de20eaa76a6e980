// The account controls on two devices (two browser contexts) against the real server: change
// password signs the other device out and its notes stay; sign out everywhere; delete account (both
// devices keep their notes, local only). Throughout, no request URL carries a token.
import type { Browser, BrowserContext, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';
import { account, expectSynced, openDevice, PASSWORD, signIn, uniqueUsername, type Device } from './devices';
import { createNote, listedTitles, listItem, ui } from './helpers';

let devices: Device[] = [];
test.afterEach(async () => {
  await Promise.all(devices.map((d) => d.context.close()));
  devices = [];
});

/** Every request URL the devices make (pages, workers, service worker) and every token the server hands out. */
function watchTokens(contexts: readonly BrowserContext[]): { urls: string[]; tokens: Set<string> } {
  const seen = { urls: [] as string[], tokens: new Set<string>() };
  for (const context of contexts) {
    context.on('request', (r) => seen.urls.push(r.url()));
    context.on('response', (r) => {
      if (!/\/api\/auth\/(login|register)$/.test(new URL(r.url()).pathname) || r.status() >= 300) return;
      void r.json().then(
        (body: { token?: string }) => body.token && seen.tokens.add(body.token),
        () => undefined,
      );
    });
  }
  return seen;
}

function expectNoTokenInUrls(seen: { urls: string[]; tokens: Set<string> }, signIns: number): void {
  expect(seen.tokens.size).toBe(signIns);
  expect(seen.urls.some((u) => u.includes('/api/sync/events'))).toBe(true);
  for (const url of seen.urls) {
    expect(url).not.toMatch(/[?&]token=/);
    for (const token of seen.tokens) expect(url).not.toContain(token);
  }
}

async function twoDevices(browser: Browser, testInfo: TestInfo, problems: string[], who: string) {
  const username = uniqueUsername(testInfo, who);
  const a = await openDevice(browser, testInfo, problems);
  const b = await openDevice(browser, testInfo, problems);
  devices.push(a, b);
  const seen = watchTokens([a.context, b.context]);
  await createNote(a.page, 'Written on A', 'first device');
  await signIn(a.page, 'Create account', username);
  await createNote(b.page, 'Written on B', 'second device');
  await signIn(b.page, 'Sign in', username);
  await expect(listItem(b.page, 'Written on A')).toBeVisible();
  await expect(listItem(a.page, 'Written on B')).toBeVisible({ timeout: 20_000 });
  await expectSynced(a.page);
  return { username, a, b, seen };
}

test('change password on one device signs the other out at once; its notes stay, and the new password signs it in', async ({ browser, pageProblems }, testInfo) => {
  const { username, a, b, seen } = await twoDevices(browser, testInfo, pageProblems, 'chpw');
  const panel = account(a.page);
  await panel.open.click();
  await panel.changePassword.click();
  await panel.currentPassword.fill('not my password');
  await panel.newPassword.fill('a brand new password');
  await panel.changePassword.click();
  await expect(panel.error).toHaveText('That password is not right.');
  await panel.currentPassword.fill(PASSWORD);
  await panel.changePassword.click();
  await expect(panel.dialog).toContainText('Password changed. Your other devices are signed out; this one stays signed in.');

  // B, untouched by anyone, hears it from the server.
  await expect(ui(b.page).syncStatus).toContainText('Local only', { timeout: 20_000 });
  await expect(b.page.getByText('You were signed out, so syncing is paused.')).toBeVisible();
  expect((await listedTitles(b.page)).sort()).toEqual(['Written on A', 'Written on B']);
  // A syncs on.
  await a.page.keyboard.press('Escape');
  await createNote(a.page, 'After the change', 'still syncing');
  await expectSynced(a.page);

  await signIn(b.page, 'Sign in', username, 'a brand new password');
  await expect(listItem(b.page, 'After the change')).toContainText('still syncing');
  expectNoTokenInUrls(seen, 3);
});

test('sign out everywhere signs out every device; each keeps its notes', async ({ browser, pageProblems }, testInfo) => {
  const { a, b, seen } = await twoDevices(browser, testInfo, pageProblems, 'everywhere');
  await account(a.page).open.click();
  await account(a.page).signOutEverywhere.click();
  await expect(account(a.page).dialog).toContainText('Signed out on every device.');
  await expect(ui(a.page).syncStatus).toContainText('Local only');
  await expect(ui(b.page).syncStatus).toContainText('Local only', { timeout: 20_000 });
  for (const d of [a, b]) expect((await listedTitles(d.page)).sort()).toEqual(['Written on A', 'Written on B']);
  expectNoTokenInUrls(seen, 2);
});

test('delete account asks for the password, erases the account, and leaves every device with its notes, local only', async ({ browser, pageProblems }, testInfo) => {
  const { username, a, b, seen } = await twoDevices(browser, testInfo, pageProblems, 'delete');
  const panel = account(a.page);
  await panel.open.click();
  await panel.deleteAccount.click();
  await expect(panel.dialog).toContainText('erases your notes on the server');
  await panel.password.fill('not my password');
  await panel.deleteAccount.click();
  await expect(panel.error).toHaveText('That password is not right.');
  await panel.password.fill(PASSWORD);
  await panel.deleteAccount.click();
  await expect(panel.dialog).toContainText('Your account is deleted');
  await expect(ui(a.page).syncStatus).toContainText('Local only');

  await expect(ui(b.page).syncStatus).toContainText('Local only', { timeout: 20_000 });
  await account(b.page).open.click();
  await expect(account(b.page).dialog).toContainText('This account was deleted on another device.');
  await b.page.keyboard.press('Escape');
  for (const d of [a, b]) expect((await listedTitles(d.page)).sort()).toEqual(['Written on A', 'Written on B']);

  // The old account is gone; a new one on A takes every note A has.
  await account(a.page).password.fill(PASSWORD);
  await account(a.page).username.fill(username);
  await account(a.page).signIn.click();
  await expect(account(a.page).error).toHaveText('Wrong username or password.');
  await a.page.keyboard.press('Escape');
  await signIn(a.page, 'Create account', `${username}-new`);
  await expectSynced(a.page);
  const c = await openDevice(browser, testInfo, pageProblems);
  devices.push(c);
  await signIn(c.page, 'Sign in', `${username}-new`);
  await expect.poll(async () => (await listedTitles(c.page)).sort()).toEqual(['Written on A', 'Written on B']);
  expectNoTokenInUrls(seen, 3);
});
