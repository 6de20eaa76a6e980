// Note bodies merge at character level (issue 11, DESIGN.md sections 2 and 3): two devices (two
// browser contexts on one account) change the same body, offline or while the other types, and both
// changes show on both, with nothing under Conflicts. Every wait is on something a person can see.
import type { Browser, Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures';
import { conflicts, expectSynced, notSyncedMark, openDevice, openNote, signIn, uniqueUsername, type Device } from './devices';
import { createNote, expectSaved, listItem, ui } from './helpers';

const FIRST = 'first line';
const SECOND = 'second line';
const ORIGINAL = `${FIRST}\n${SECOND}`;
const ADDED_ON_B = 'third line, added on B';

// Two devices, each signing in and syncing: longer than one page's default.
test.describe.configure({ timeout: 90_000 });

let devices: Device[] = [];
test.afterEach(async () => {
  await Promise.all(devices.map((d) => d.context.close()));
  devices = [];
});

/** Two devices signed in to one new account, both with a note open whose body is `text` (the two-line ORIGINAL). */
async function twoDevicesOnNote(browser: Browser, testInfo: TestInfo, problems: string[], title: string, text = ORIGINAL): Promise<{ a: Device; b: Device }> {
  const username = uniqueUsername(testInfo, 'text');
  const a = await openDevice(browser, testInfo, problems);
  const b = await openDevice(browser, testInfo, problems);
  devices.push(a, b);
  await signIn(a.page, 'Create account', username);
  await createNote(a.page, title, text);
  await expectSynced(a.page);
  await signIn(b.page, 'Sign in', username);
  await expect(listItem(b.page, title)).toContainText(text.split('\n')[0]!);
  await openNote(a.page, title);
  await openNote(b.page, title);
  return { a, b };
}

/** Puts the body's caret at the end of its first line, as a person would. */
async function caretToEndOfFirstLine(page: Page): Promise<void> {
  await ui(page).body.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
}

/** The body's caret (selection start and end) as a person would see it. */
function caretOf(page: Page): Promise<{ start: number; end: number; focused: boolean }> {
  return ui(page).body.evaluate((el: HTMLTextAreaElement) => ({
    start: el.selectionStart,
    end: el.selectionEnd,
    focused: document.activeElement === el,
  }));
}

test('both devices offline change the same body, one its first line, the other adding a line: back online both show both changes, and nothing is a conflict', async ({
  browser,
  pageProblems,
}, testInfo) => {
  const { a, b } = await twoDevicesOnNote(browser, testInfo, pageProblems, 'Plan');

  await a.context.setOffline(true);
  await b.context.setOffline(true);
  await expect(ui(a.page).syncStatus).toContainText('Offline');
  await expect(ui(b.page).syncStatus).toContainText('Offline');

  // fill() replaces the whole text; each device saves the difference from the text it was typed on.
  await ui(a.page).body.fill(`First line, changed on A\n${SECOND}`);
  await expect(listItem(a.page, 'Plan')).toContainText('First line, changed on A');
  await expect(notSyncedMark(a.page, 'Plan')).toBeVisible();
  await ui(b.page).body.fill(`${ORIGINAL}\n${ADDED_ON_B}`);
  await expectSaved(b.page);
  await expect(notSyncedMark(b.page, 'Plan')).toBeVisible();

  await a.context.setOffline(false);
  await b.context.setOffline(false);
  await expectSynced(a.page);
  await expectSynced(b.page);

  const merged = `First line, changed on A\n${SECOND}\n${ADDED_ON_B}`;
  for (const d of [a, b]) {
    // The open editor shows the merged text, and so does the list (read back from the database).
    await expect(ui(d.page).body).toHaveValue(merged);
    await expect(listItem(d.page, 'Plan')).toContainText('First line, changed on A');
  }
  await expectSynced(a.page);
  await expectSynced(b.page);
  for (const d of [a, b]) await expect(conflicts(d.page)).toHaveCount(0);

  // It is what the database holds, not only what the editor shows.
  await b.page.reload();
  await openNote(b.page, 'Plan');
  await expect(ui(b.page).body).toHaveValue(merged);
  await expect(conflicts(b.page)).toHaveCount(0);
});

test('typing on one device while the other adds a line to the same body: the line arrives live, the typing stays in one piece where it was typed, the caret stays after it, and both end with the same text', async ({
  browser,
  pageProblems,
}, testInfo) => {
  const { a, b } = await twoDevicesOnNote(browser, testInfo, pageProblems, 'Live text');
  await caretToEndOfFirstLine(a.page);
  expect(await caretOf(a.page)).toEqual({ start: FIRST.length, end: FIRST.length, focused: true });

  // A types word by word, with no pause long enough to save, until B's line has arrived, then one
  // word more: B's edit lands while A has unsaved typing, and A goes on typing after it.
  let typed = '';
  let sawB = false;
  const typeOnA = async (): Promise<void> => {
    for (let i = 1; i <= 200 && !sawB; i++) {
      const word = ` w${i}`;
      await a.page.keyboard.type(word, { delay: 40 });
      typed += word;
      sawB = (await ui(a.page).body.inputValue()).includes(ADDED_ON_B);
    }
    const last = ' after';
    await a.page.keyboard.type(last, { delay: 40 });
    typed += last;
  };
  const typing = typeOnA();

  // Once A's typing shows, B adds a line at the end of its body (B has not seen A's typing).
  await expect.poll(() => ui(a.page).body.inputValue()).toContain(' w2');
  await ui(b.page).body.click();
  await b.page.keyboard.press('Control+End');
  await b.page.keyboard.type(`\n${ADDED_ON_B}`);
  await expectSaved(b.page);
  await typing;
  expect(sawB, "B's line reached A while A was typing").toBe(true);

  const expected = `${FIRST}${typed}\n${SECOND}\n${ADDED_ON_B}`;
  await expect(ui(a.page).body).toHaveValue(expected);
  expect(await caretOf(a.page)).toEqual({ start: FIRST.length + typed.length, end: FIRST.length + typed.length, focused: true });
  await expectSaved(a.page);
  await expect(ui(b.page).body).toHaveValue(expected);
  await expectSynced(a.page);
  await expectSynced(b.page);
  // Still the same once both are synced: nothing arrived late to undo it.
  await expect(ui(a.page).body).toHaveValue(expected);
  await expect(ui(b.page).body).toHaveValue(expected);
  for (const d of [a, b]) await expect(conflicts(d.page)).toHaveCount(0);

  await a.page.screenshot({ path: testInfo.outputPath('device-a.png') });
  await b.page.screenshot({ path: testInfo.outputPath('device-b.png') });
  await testInfo.attach('device A', { path: testInfo.outputPath('device-a.png'), contentType: 'image/png' });
  await testInfo.attach('device B', { path: testInfo.outputPath('device-b.png'), contentType: 'image/png' });
});

test("an input method composing on one device when the other's edit of the body arrives: the composition is not broken, the word chosen shows once, and the edit shows after it", async ({
  browser,
  pageProblems,
}, testInfo) => {
  const { a, b } = await twoDevicesOnNote(browser, testInfo, pageProblems, 'Composed');
  await caretToEndOfFirstLine(a.page);

  // A Japanese input method, driven as Chromium's IME events: "nihon" shows as kana while composing,
  // and becomes 日本 when the word is chosen.
  const ime = await a.context.newCDPSession(a.page);
  const compose = (text: string) => ime.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  await compose('に');
  await compose('にほ');
  await expect(ui(a.page).body).toHaveValue(`${FIRST}にほ\n${SECOND}`);

  // B adds a line above; A's list (read from the database) shows it has arrived.
  await ui(b.page).body.click();
  await b.page.keyboard.press('Control+Home');
  await b.page.keyboard.type(`${ADDED_ON_B}\n`);
  await expectSaved(b.page);
  await expect(listItem(a.page, 'Composed')).toContainText(ADDED_ON_B);

  await compose('にほん');
  await ime.send('Input.insertText', { text: '日本' });
  const expected = `${ADDED_ON_B}\n${FIRST}日本\n${SECOND}`;
  await expect(ui(a.page).body).toHaveValue(expected);
  const caret = ADDED_ON_B.length + 1 + FIRST.length + '日本'.length;
  expect(await caretOf(a.page)).toEqual({ start: caret, end: caret, focused: true });
  // Typing goes on at the caret.
  await a.page.keyboard.type(' and on');
  const typedOn = `${ADDED_ON_B}\n${FIRST}日本 and on\n${SECOND}`;
  await expect(ui(a.page).body).toHaveValue(typedOn);
  await expectSaved(a.page);
  await expect(ui(b.page).body).toHaveValue(typedOn);
  for (const d of [a, b]) await expect(conflicts(d.page)).toHaveCount(0);
});

test('lines added or removed above what a person is looking at do not move it on screen: the line typed on stays put, and so does the text being read', async ({
  browser,
  pageProblems,
}, testInfo) => {
  const lines = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`);
  const { a, b } = await twoDevicesOnNote(browser, testInfo, pageProblems, 'Long note', lines.join('\n'));
  const view = () =>
    ui(a.page).body.evaluate((el: HTMLTextAreaElement) => ({ scrollTop: el.scrollTop, lineHeight: parseFloat(getComputedStyle(el).lineHeight) }));

  // A types at the end of line 60, scrolled down to it.
  await ui(a.page).body.click();
  await a.page.keyboard.press('Control+Home');
  for (let i = 1; i < 60; i++) await a.page.keyboard.press('ArrowDown');
  await a.page.keyboard.press('End');
  await a.page.keyboard.type('X');
  const typing = await view();
  expect(typing.scrollTop).toBeGreaterThan(0);

  // B adds five lines at the top: A's view scrolls down by five lines, so line 60 stays where it is.
  const added = ['B1', 'B2', 'B3', 'B4', 'B5'];
  await ui(b.page).body.click();
  await b.page.keyboard.press('Control+Home');
  await b.page.keyboard.type(added.map((l) => `${l}\n`).join(''));
  await expect(ui(a.page).body).toHaveValue([...added, ...lines.slice(0, 59), 'line 60X', ...lines.slice(60)].join('\n'));
  const moved = await view();
  expect(moved.scrollTop).toBeCloseTo(typing.scrollTop + added.length * typing.lineHeight, 0);
  // The caret is still after the X, and in view: typing on scrolls nothing.
  await a.page.keyboard.type('Y');
  await expect(ui(a.page).body).toHaveValue(/\nline 60XY\n/);
  expect((await view()).scrollTop).toBe(moved.scrollTop);

  // A reads further down, the body no longer focused; B removes its five lines again: what A reads
  // stays where it is (the view scrolls up by five lines).
  await ui(a.page).title.click();
  await ui(a.page).body.hover();
  await a.page.mouse.wheel(0, 600);
  await expect.poll(async () => (await view()).scrollTop).toBeGreaterThan(moved.scrollTop + 300);
  const reading = await view();
  await b.page.keyboard.press('Control+Home');
  for (let i = 0; i < added.length; i++) await b.page.keyboard.press('Shift+ArrowDown');
  await b.page.keyboard.press('Delete');
  await expect(ui(a.page).body).toHaveValue(/^line 1\n/);
  expect((await view()).scrollTop).toBeCloseTo(reading.scrollTop - added.length * typing.lineHeight, 0);
  await expectSaved(a.page);
  await expect(ui(b.page).body).toHaveValue([...lines.slice(0, 59), 'line 60XY', ...lines.slice(60)].join('\n'));
});
