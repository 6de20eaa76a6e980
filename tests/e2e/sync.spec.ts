// Two devices (two browser contexts) against the real sync server: accounts, live changes, offline
// edits on both, convergence, conflicts and restore. Every wait is on something a user can see.
import { test, expect } from './fixtures';
import {
  account,
  conflictEntry,
  conflicts,
  expectSynced,
  markPage,
  notSyncedMark,
  openDevice,
  openNote,
  PASSWORD,
  setBody,
  setTitle,
  signIn,
  submitAccountForm,
  uniqueUsername,
  type Device,
} from './devices';
import { createNote, listedTitles, listItem, ui } from './helpers';

const PASSWORD_TOO_SHORT = 'short';

let devices: Device[] = [];
test.afterEach(async () => {
  await Promise.all(devices.map((d) => d.context.close()));
  devices = [];
});

test('notes written before signing in reach the other device; a change shows there live; signing out keeps the notes', async ({
  browser,
  pageProblems,
}, testInfo) => {
  const username = uniqueUsername(testInfo, 'live');
  const a = await openDevice(browser, testInfo, pageProblems);
  const b = await openDevice(browser, testInfo, pageProblems);
  devices.push(a, b);

  // Before any account: local only, and no "not synced" marks for a device that does not sync.
  await createNote(a.page, 'Written before sign-up', 'kept and uploaded later');
  await expect(ui(a.page).syncStatus).toContainText('Local only');
  await expect(notSyncedMark(a.page, 'Written before sign-up')).toHaveCount(0);
  await expect(a.page.getByText(/changes? not synced/)).toHaveCount(0);

  await signIn(a.page, 'Create account', username);
  await expect(notSyncedMark(a.page, 'Written before sign-up')).toHaveCount(0);

  await signIn(b.page, 'Sign in', username);
  await expect(listItem(b.page, 'Written before sign-up')).toContainText('kept and uploaded later');

  // Both online: a change on A shows on B without a reload, and B's edit shows in A's open editor.
  const bNotReloaded = await markPage(b.page);
  await createNote(a.page, 'Live from A', 'typed on device A');
  await expect(listItem(b.page, 'Live from A')).toContainText('typed on device A');
  expect(await bNotReloaded()).toBe(true);

  await openNote(b.page, 'Live from A');
  await setBody(b.page, 'Live from A', 'typed on device A, then B');
  await expect(ui(a.page).body).toHaveValue('typed on device A, then B');
  await expectSynced(a.page);
  await expectSynced(b.page);

  // Signing out keeps every note on the device, local only.
  await account(b.page).open.click();
  await expect(account(b.page).dialog).toContainText(`Signed in as ${username}`);
  await account(b.page).signOut.click();
  await expect(account(b.page).dialog).toContainText('Signed out. Your notes stay on this device');
  await b.page.keyboard.press('Escape');
  await expect(account(b.page).dialog).toBeHidden();
  await expect(ui(b.page).syncStatus).toContainText('Local only');
  await expect(b.page.getByText(`Signed in as ${username}`)).toHaveCount(0);
  expect((await listedTitles(b.page)).sort()).toEqual(['Live from A', 'Written before sign-up']);
  await b.page.reload();
  await expect(ui(b.page).syncStatus).toContainText('Local only');
  await expect(listItem(b.page, 'Live from A')).toContainText('typed on device A, then B');
});

test('both devices offline edit different notes, the title of the same note, and a note the other deletes; back online they converge and Restore brings the lost edits back', async ({
  browser,
  pageProblems,
}, testInfo) => {
  test.setTimeout(120_000);
  const username = uniqueUsername(testInfo, 'offline');
  const a = await openDevice(browser, testInfo, pageProblems);
  const b = await openDevice(browser, testInfo, pageProblems);
  devices.push(a, b);

  await signIn(a.page, 'Create account', username);
  await createNote(a.page, 'Shared', 'the original text');
  await createNote(a.page, 'Doomed', 'about to be deleted');
  await expectSynced(a.page);
  await signIn(b.page, 'Sign in', username);
  await expect(listItem(b.page, 'Shared')).toContainText('the original text');
  await expect(listItem(b.page, 'Doomed')).toContainText('about to be deleted');

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  // Said at once, before anything has failed to upload.
  await expect(ui(a.page).syncStatus).toContainText('Offline');
  await expect(ui(b.page).syncStatus).toContainText('Offline');

  // Different notes.
  await createNote(a.page, 'Only on A', 'written offline on A');
  await createNote(b.page, 'Only on B', 'written offline on B');
  await expect(notSyncedMark(a.page, 'Only on A')).toBeVisible();
  await expect(ui(a.page).syncStatus).toContainText('Offline');
  await expect(ui(b.page).syncStatus).toContainText('Offline');

  // The same field of the same note: A first, then B (the later edit wins). Titles are
  // last-writer-wins; bodies would merge (textMerge.spec.ts), so the title is the field both change.
  await openNote(a.page, 'Shared');
  await setTitle(a.page, 'Shared, titled on A');
  await openNote(b.page, 'Shared');
  await setTitle(b.page, 'Shared, titled on B');

  // A deletes what B edits.
  await openNote(a.page, 'Doomed');
  await ui(a.page).deleteNote.click();
  await expect(listItem(a.page, 'Doomed')).toHaveCount(0);
  await openNote(b.page, 'Doomed');
  // Not waiting for "Saved": the save may land before A's delete arrives or after it (refused, kept
  // under Conflicts, sent again later). Either way one Restore below must answer it.
  await ui(b.page).body.fill('B kept working on this');
  await expect(listItem(b.page, 'Doomed')).toContainText('B kept working on this');

  await expect(a.page.getByText(/\d+ changes not synced/)).toBeVisible();
  await expect(b.page.getByText(/\d+ changes not synced/)).toBeVisible();

  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await expectSynced(a.page);
  await expectSynced(b.page);

  // Converged: the same notes with the same text on both.
  const expected = ['Only on A', 'Only on B', 'Shared, titled on B'];
  await expect.poll(async () => (await listedTitles(a.page)).sort()).toEqual(expected);
  await expect.poll(async () => (await listedTitles(b.page)).sort()).toEqual(expected);
  for (const d of [a, b]) {
    await expect(listItem(d.page, 'Shared')).toContainText('the original text');
    await expect(listItem(d.page, 'Only on A')).toContainText('written offline on A');
    await expect(listItem(d.page, 'Only on B')).toContainText('written offline on B');
  }

  // Each device lists the edit it lost, as text, and only that.
  const lostOnA = conflictEntry(a.page, 'Shared, titled on A');
  await expect(lostOnA).toContainText('Your edit to the title was overwritten');
  await expect(conflicts(a.page).getByRole('listitem')).toHaveCount(1);
  const lostOnB = conflictEntry(b.page, 'B kept working on this');
  await expect(lostOnB).toContainText('Doomed');
  await expect(lostOnB).toContainText('deleted on another device');
  await expect(conflicts(b.page).getByRole('listitem')).toHaveCount(1);

  // Restore on A: A's title wins again, on both devices, and the body is untouched.
  await lostOnA.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(conflicts(a.page)).toHaveCount(0);
  for (const d of [a, b]) await expect(listItem(d.page, 'Shared, titled on A')).toContainText('the original text');

  // Restore on B: the deleted note comes back with B's text, on both devices.
  await lostOnB.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(conflicts(b.page)).toHaveCount(0);
  for (const d of [a, b]) await expect(listItem(d.page, 'Doomed')).toContainText('B kept working on this');

  await expectSynced(a.page);
  await expectSynced(b.page);
  const restored = ['Doomed', 'Only on A', 'Only on B', 'Shared, titled on A'];
  await expect.poll(async () => (await listedTitles(a.page)).sort()).toEqual(restored);
  await expect.poll(async () => (await listedTitles(b.page)).sort()).toEqual(restored);
  await expect(conflicts(a.page)).toHaveCount(0);
});

test('account errors are said in words: taken name, wrong password, no server, another account', async ({ browser, pageProblems }, testInfo) => {
  const alice = uniqueUsername(testInfo, 'alice');
  const bob = uniqueUsername(testInfo, 'bob');
  const a = await openDevice(browser, testInfo, pageProblems);
  const b = await openDevice(browser, testInfo, pageProblems);
  devices.push(a, b);
  await signIn(a.page, 'Create account', alice);

  await submitAccountForm(b.page, 'Create account', alice);
  await expect(account(b.page).error).toContainText('taken');
  await submitAccountForm(b.page, 'Sign in', alice, 'not the password');
  await expect(account(b.page).error).toContainText('Wrong username or password');
  await submitAccountForm(b.page, 'Sign in', 'x', PASSWORD_TOO_SHORT);
  await expect(account(b.page).error).toContainText(/at least/);

  await b.context.setOffline(true);
  await submitAccountForm(b.page, 'Sign in', alice);
  await expect(account(b.page).error).toContainText(/reach the server/i);
  await b.context.setOffline(false);

  // A's notes belong to alice: bob may not sync them into his account.
  await account(a.page).open.click();
  await account(a.page).signOut.click();
  await expect(ui(a.page).syncStatus).toContainText('Local only');
  await expect(account(a.page).dialog).toContainText('Signed out');
  await submitAccountForm(a.page, 'Create account', bob);
  await expect(account(a.page).error).toContainText(`belong to the account "${alice}"`);
  // The panel offers the right name; signing in as alice again works.
  await a.page.keyboard.press('Escape');
  await account(a.page).open.click();
  await expect(account(a.page).username).toHaveValue(alice);
  await account(a.page).password.fill(PASSWORD);
  await account(a.page).signIn.click();
  await expect(account(a.page).dialog).toBeHidden();
  await expectSynced(a.page);
});

test('when the server ends the session, the app says so, keeps the notes and the changes, and signing in again uploads them', async ({
  browser,
  pageProblems,
}, testInfo) => {
  const username = uniqueUsername(testInfo, 'expired');
  const a = await openDevice(browser, testInfo, pageProblems);
  const b = await openDevice(browser, testInfo, pageProblems);
  devices.push(a, b);
  await signIn(a.page, 'Create account', username);
  await signIn(b.page, 'Sign in', username);

  // The server forgets A's token (as on expiry): every sync request of A's is answered 401.
  await a.context.route('**/api/sync/**', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/json',
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: JSON.stringify({ error: { code: 'unauthorized', message: 'the token is unknown or has expired; sign in again' } }),
    }),
  );
  await createNote(a.page, 'Written as the session ended', 'must not be lost');

  const banner = a.page.getByRole('alert').filter({ hasText: 'signed out' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText(/1 change not synced|\d changes not synced/);
  await expect(ui(a.page).syncStatus).toContainText('Local only');
  await expect(listItem(a.page, 'Written as the session ended')).toContainText('must not be lost');
  await expect(notSyncedMark(a.page, 'Written as the session ended')).toBeVisible();

  await a.context.unroute('**/api/sync/**');
  await banner.getByRole('button', { name: 'Sign in again' }).click();
  await expect(account(a.page).dialog).toContainText('session has ended');
  await expect(account(a.page).username).toHaveValue(username);
  await account(a.page).password.fill(PASSWORD);
  await account(a.page).signIn.click();
  await expect(banner).toHaveCount(0);
  await expectSynced(a.page);
  await expect(listItem(b.page, 'Written as the session ended')).toContainText('must not be lost');
});

test('a change the server refuses is set aside with its reason, and the changes after it still sync', async ({ browser, pageProblems }, testInfo) => {
  const username = uniqueUsername(testInfo, 'refused');
  const a = await openDevice(browser, testInfo, pageProblems);
  const b = await openDevice(browser, testInfo, pageProblems);
  devices.push(a, b);
  await signIn(a.page, 'Create account', username);
  await signIn(b.page, 'Sign in', username);

  // The server refuses the one action that sets this title (as it would an invalid action).
  const refusedTitle = 'Refused by the server';
  await a.context.route('**/api/sync/push', async (route) => {
    const body = route.request().postDataJSON() as { actions: { id: string; payload: Record<string, unknown> }[] };
    const bad = body.actions.find((action) => action.payload.title === refusedTitle);
    if (!bad) return route.continue();
    return route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'invalid_action', message: 'payload.title: not allowed here', actionId: bad.id } }),
    });
  });
  await createNote(a.page, refusedTitle, 'this edit will not sync');
  await createNote(a.page, 'Accepted after it', 'not blocked by the refused one');

  const refused = a.page.getByRole('region', { name: 'Changes not accepted' });
  await expect(refused).toContainText(refusedTitle);
  await expect(refused).toContainText('payload.title: not allowed here');
  await expect(listItem(b.page, 'Accepted after it')).toContainText('not blocked by the refused one');
  await expectSynced(a.page);
  await expect(listItem(b.page, refusedTitle)).toHaveCount(0);
});
