// Many tabs writing at once, and tabs closing and reloading under them (issue 5). Pages of one
// browser context are tabs of one profile: they share the notes' database and its owner lock. The
// check is always what a person would see: every tab ends up listing every note, each once.
import type { BrowserContext, Page } from '@playwright/test';
import { expectSynced, openDevice, signIn, uniqueUsername } from './devices';
import { expect, test } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui } from './helpers';

async function openTabs(context: BrowserContext, n: number, first?: Page): Promise<Page[]> {
  const tabs: Page[] = [];
  if (first) {
    await openApp(first);
    tabs.push(first);
  }
  while (tabs.length < n) {
    const tab = await context.newPage();
    await openApp(tab);
    tabs.push(tab);
  }
  return tabs;
}

/** Every tab lists exactly these titles (each once), in any order. */
async function expectEveryTabLists(tabs: readonly Page[], titles: readonly string[]): Promise<void> {
  const want = [...titles].sort();
  for (const tab of tabs) await expect.poll(async () => (await listedTitles(tab)).sort(), { timeout: 15_000 }).toEqual(want);
}

for (const n of [2, 4]) {
  test(`${n} tabs writing notes at the same time: every tab ends with every note`, async ({ page, context }) => {
    test.setTimeout(90_000);
    const tabs = await openTabs(context, n, page);
    const perTab = 3;
    const titles = tabs.flatMap((_, t) => Array.from({ length: perTab }, (_, k) => `tab ${t + 1} note ${k + 1}`));
    await Promise.all(
      tabs.map(async (tab, t) => {
        for (let k = 0; k < perTab; k++) await createNote(tab, `tab ${t + 1} note ${k + 1}`, `written in tab ${t + 1}`);
      }),
    );
    await expectEveryTabLists(tabs, titles);
  });
}

test('the leader tab closes while the others write: nothing lost or doubled, and a new tab sees everything', async ({ page, context }) => {
  test.setTimeout(90_000);
  // The first tab opened holds the database.
  const [leader, ...others] = await openTabs(context, 4, page);
  await createNote(leader!, 'From the first tab', 'written before it closed');

  const perTab = 4;
  const titles = ['From the first tab', ...others.flatMap((_, t) => Array.from({ length: perTab }, (_, k) => `tab ${t + 2} note ${k + 1}`))];
  let firstWrites = 0;
  const closed = (async () => {
    // Close it once the others are in the middle of writing.
    await expect.poll(() => firstWrites, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await leader!.close();
  })();
  await Promise.all(
    others.map(async (tab, t) => {
      for (let k = 0; k < perTab; k++) {
        await createNote(tab, `tab ${t + 2} note ${k + 1}`, `written in tab ${t + 2}`);
        firstWrites++;
      }
    }),
  );
  await closed;

  await expectEveryTabLists(others, titles);
  // The remaining tabs keep working after the handoff.
  await createNote(others[0]!, 'After the handoff', 'still working');
  const late = await context.newPage();
  await openApp(late);
  await expectEveryTabLists([...others, late], [...titles, 'After the handoff']);
});

test('every tab reloads in turn while the others write, offline and back online meanwhile; all of it syncs once', async ({ page, context, browser, pageProblems }, testInfo) => {
  test.setTimeout(120_000);
  const tabs = await openTabs(context, 3, page);
  const username = uniqueUsername(testInfo, 'tabs');
  await signIn(tabs[0]!, 'Create account', username);

  const titles: string[] = [];
  for (let round = 0; round < tabs.length; round++) {
    if (round === 1) await context.setOffline(true);
    const reloading = tabs[round]!;
    const writers = tabs.filter((t) => t !== reloading);
    await Promise.all([
      (async () => {
        await reloading.reload();
        await expect(ui(reloading).syncStatus).toBeVisible();
      })(),
      ...writers.map(async (tab) => {
        const title = `round ${round + 1} from tab ${tabs.indexOf(tab) + 1}`;
        titles.push(title);
        await createNote(tab, title, `written while tab ${round + 1} reloaded`);
      }),
    ]);
    if (round === 1) {
      await expect(ui(tabs[0]!).syncStatus).toContainText('Offline');
      await context.setOffline(false);
    }
  }

  await expectEveryTabLists(tabs, titles);
  for (const tab of tabs) await expectSynced(tab);

  // Another device with the same account gets each note exactly once: the leader synced it all.
  const other = await openDevice(browser, testInfo, pageProblems);
  try {
    await signIn(other.page, 'Sign in', username);
    await expectEveryTabLists([other.page], titles);
    await expect(listItem(other.page, 'round 2 from tab 1')).toContainText('written while tab 2 reloaded');
  } finally {
    await other.context.close();
  }
});
