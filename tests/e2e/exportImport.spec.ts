// Export and import (issue 7): a JSON export imported into a fresh browser reproduces every note;
// importing it again duplicates nothing; a broken file is refused with a message and changes
// nothing; the Markdown export downloads a zip of one Markdown file per note.
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { expect, test, watchContext } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui } from './helpers';

const settings = (page: Page) => page.getByRole('dialog', { name: 'Settings' });

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(settings(page)).toBeVisible();
  return settings(page);
}

const notes = [
  { title: 'Shopping', body: 'Milk\nBread\n\n- eggs' },
  { title: 'Café “Zoë” ☕', body: 'Ünïcödé, emoji 🎉 and CJK 日本語' },
  { title: '<b>not bold</b>', body: '{"json": "inside", "quote": "\\""}' },
];

test('a JSON export imported into a fresh browser reproduces every note, and importing twice adds nothing', async ({ page, browser, baseURL }, testInfo) => {
  await openApp(page);
  for (const n of notes) await createNote(page, n.title, n.body);
  // A note in the Trash is not exported.
  await createNote(page, 'Trashed', 'not exported');
  await ui(page).deleteNote.click();
  await expect(listItem(page, 'Trashed')).toHaveCount(0);

  const dialog = await openSettings(page);
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export JSON' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^notes-\d{4}-\d{2}-\d{2}\.json$/);
  const file = testInfo.outputPath(download.suggestedFilename());
  await download.saveAs(file);
  const exported = JSON.parse(await readFile(file, 'utf8')) as { format: string; notes: { title: string }[] };
  expect(exported.format).toBe('notes-export');
  expect(exported.notes.map((n) => n.title).sort()).toEqual(notes.map((n) => n.title).sort());

  // Another browser profile: nothing shared with the first but the file.
  const fresh = await browser.newContext({ baseURL });
  const problems: string[] = [];
  watchContext(fresh, problems);
  const other = await fresh.newPage();
  await openApp(other);
  await expect(ui(other).list.getByRole('listitem')).toHaveCount(0);
  let importDialog = await openSettings(other);
  await importDialog.getByLabel('Import notes').setInputFiles(file);
  await expect(importDialog.getByRole('status').filter({ hasText: '3 notes imported.' })).toBeVisible();
  await importDialog.getByRole('button', { name: 'Close' }).click();

  expect((await listedTitles(other)).sort()).toEqual(notes.map((n) => n.title).sort());
  for (const n of notes) {
    await listItem(other, n.title).getByRole('button').click();
    await expect(ui(other).title).toHaveValue(n.title);
    await expect(ui(other).body).toHaveValue(n.body);
  }

  // The same file again: every note is already there.
  importDialog = await openSettings(other);
  await importDialog.getByLabel('Import notes').setInputFiles(file);
  await expect(importDialog.getByRole('status').filter({ hasText: '3 notes were already here.' })).toBeVisible();
  await importDialog.getByRole('button', { name: 'Close' }).click();
  await other.reload();
  await expect(ui(other).syncStatus).toContainText('Local only');
  await expect.poll(() => listedTitles(other).then((t) => t.sort())).toEqual(notes.map((n) => n.title).sort());
  await fresh.close();
  expect(problems).toEqual([]);
});

test('a broken file is refused with its reason, and nothing changes', async ({ page }, testInfo) => {
  await openApp(page);
  await createNote(page, 'Existing', 'untouched');
  const dialog = await openSettings(page);
  const input = dialog.getByLabel('Import notes');

  const notJson = testInfo.outputPath('broken.json');
  await writeFile(notJson, '{"format": "notes-export", "version": 1, "notes": [');
  await input.setInputFiles(notJson);
  await expect(dialog.getByRole('alert')).toContainText('not valid JSON');
  await expect(dialog.getByRole('alert')).toContainText('Nothing was imported.');

  // Valid JSON, one good note and one bad: all or nothing, so the good one is not imported either.
  const badField = testInfo.outputPath('bad-field.json');
  const good = { id: '0197a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a5b', title: 'Good', body: 'fine', createdAt: '2025-06-01T08:00:00.000Z', updatedAt: '2025-06-01T08:00:00.000Z' };
  const bad = { ...good, id: '0197a1b2-5c3d-7e4f-8a9b-0c1d2e3f4a5c', title: 42 };
  await writeFile(badField, JSON.stringify({ format: 'notes-export', version: 1, exportedAt: good.createdAt, notes: [good, bad] }));
  await input.setInputFiles(badField);
  await expect(dialog.getByRole('alert')).toContainText('notes[1].title');

  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.reload();
  await expect(ui(page).syncStatus).toContainText('Local only');
  await expect.poll(() => listedTitles(page)).toEqual(['Existing']);
});

test('the Markdown export downloads a zip of the notes', async ({ page }) => {
  await openApp(page);
  await createNote(page, 'Readme', '# Heading\n\ntext');
  await createNote(page, 'Café “Zoë” ☕', 'Ünïcödé 🎉');
  const dialog = await openSettings(page);
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export Markdown' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^notes-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = unzipSync(new Uint8Array(await readFile(await download.path())));
  // One file per note, named after its title, oldest first.
  expect(Object.keys(files)).toEqual(['Readme.md', 'Café “Zoë” ☕.md']);
  const frontMatter = (title: string) => `^---\\nid: [0-9a-f-]{36}\\ntitle: "${title}"\\ncreated: \\S+Z\\nupdated: \\S+Z\\n---\\n\\n`;
  expect(strFromU8(files['Readme.md']!)).toMatch(new RegExp(`${frontMatter('Readme')}# Heading\\n\\ntext$`));
  expect(strFromU8(files['Café “Zoë” ☕.md']!)).toMatch(new RegExp(`${frontMatter('Café “Zoë” ☕')}Ünïcödé 🎉$`));
  await expect(dialog.getByRole('status').filter({ hasText: /^Exported notes-.*\.zip\.$/ })).toBeVisible();
});
