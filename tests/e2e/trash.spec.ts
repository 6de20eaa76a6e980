// Trash and undo (issue 7): a delete can be undone from its toast, deleted notes wait in the Trash
// (across reloads) with Restore and Delete forever, and emptying it asks first.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createNote, listedTitles, listItem, openApp, ui } from './helpers';

const trashList = (page: Page) => page.getByRole('list', { name: 'Trash', exact: true });
const trashEntry = (page: Page, title: string) => trashList(page).getByRole('listitem').filter({ hasText: title });
const openTrash = (page: Page) => page.getByRole('button', { name: 'Trash', exact: true }).click();

async function deleteNote(page: Page, title: string): Promise<void> {
  await listItem(page, title).getByRole('button').click();
  await expect(ui(page).title).toHaveValue(title);
  await ui(page).deleteNote.click();
  await expect(listItem(page, title)).toHaveCount(0);
}

test('delete then Undo brings the note back, open, with its text', async ({ page }) => {
  await openApp(page);
  const app = ui(page);
  await createNote(page, 'Keep', 'stays');
  await createNote(page, 'Oops', 'deleted by mistake\nsecond line');
  // Typed just before the delete, inside the save delay: it goes to the Trash with the note.
  await app.body.press('End');
  await app.body.pressSequentially(' and more');
  await app.deleteNote.click();
  await expect(listItem(page, 'Oops')).toHaveCount(0);

  const toast = page.getByRole('status').filter({ hasText: 'Note deleted' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Undo' }).click();

  await expect(toast).toBeHidden();
  await expect(listItem(page, 'Oops')).toBeVisible();
  await expect(app.title).toHaveValue('Oops');
  await expect(app.body).toHaveValue('deleted by mistake\nsecond line and more');
  expect((await listedTitles(page)).sort()).toEqual(['Keep', 'Oops']);
  // Undone for good: it is not in the Trash either, after a reload.
  await page.reload();
  await expect(listItem(page, 'Oops')).toBeVisible();
  await openTrash(page);
  await expect(trashEntry(page, 'Oops')).toHaveCount(0);
});

test('the Trash keeps deleted notes across a reload, and Restore puts one back', async ({ page }) => {
  await openApp(page);
  await createNote(page, 'Survivor', 'I stay');
  await createNote(page, 'Comeback', 'back from the Trash');
  await createNote(page, 'Gone', 'for a while');
  await deleteNote(page, 'Comeback');
  await deleteNote(page, 'Gone');

  await page.reload();
  await expect(ui(page).syncStatus).toContainText('Local only');
  await openTrash(page);
  // Most recently deleted first.
  await expect(trashList(page).getByRole('listitem')).toHaveCount(2);
  await expect(trashList(page).getByRole('listitem').first()).toContainText('Gone');
  await expect(trashEntry(page, 'Comeback')).toContainText('back from the Trash');

  await trashEntry(page, 'Comeback').getByRole('button', { name: 'Restore' }).click();
  await expect(trashEntry(page, 'Comeback')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Restored “Comeback”' })).toBeVisible();
  await expect(listItem(page, 'Comeback')).toBeVisible();

  await page.reload();
  await expect(listItem(page, 'Comeback')).toBeVisible();
  await listItem(page, 'Comeback').getByRole('button').click();
  await expect(ui(page).body).toHaveValue('back from the Trash');
  await openTrash(page);
  await expect(trashList(page).getByRole('listitem')).toHaveCount(1);
  await expect(trashEntry(page, 'Gone')).toBeVisible();
  // Back to the notes.
  await page.getByRole('button', { name: 'Back to notes' }).click();
  await expect(trashList(page)).toBeHidden();
  await expect(ui(page).title).toBeVisible();
});

test('Delete forever and Empty trash ask first, and Cancel changes nothing', async ({ page }) => {
  await openApp(page);
  await createNote(page, 'One', 'first');
  await createNote(page, 'Two', 'second');
  await createNote(page, 'Three', 'third');
  await deleteNote(page, 'One');
  await deleteNote(page, 'Two');
  await deleteNote(page, 'Three');
  await openTrash(page);
  await expect(trashList(page).getByRole('listitem')).toHaveCount(3);

  await trashEntry(page, 'Two').getByRole('button', { name: 'Delete forever' }).click();
  const confirmPurge = page.getByRole('alertdialog', { name: 'Delete “Two” forever?' });
  await expect(confirmPurge).toBeVisible();
  await expect(confirmPurge.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirmPurge.getByRole('button', { name: 'Delete forever' }).click();
  await expect(confirmPurge).toBeHidden();
  await expect(trashEntry(page, 'Two')).toHaveCount(0);
  await expect(trashList(page).getByRole('listitem')).toHaveCount(2);

  await page.getByRole('button', { name: 'Empty trash', exact: true }).click();
  const confirmEmpty = page.getByRole('alertdialog', { name: 'Empty the Trash?' });
  await expect(confirmEmpty).toContainText('2 notes will be deleted forever');
  await page.keyboard.press('Escape');
  await expect(confirmEmpty).toBeHidden();
  await expect(trashList(page).getByRole('listitem')).toHaveCount(2);

  await page.getByRole('button', { name: 'Empty trash', exact: true }).click();
  await confirmEmpty.getByRole('button', { name: 'Empty trash' }).click();
  await expect(page.getByText('The Trash is empty')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Empty trash', exact: true })).toBeDisabled();

  await page.reload();
  await openTrash(page);
  await expect(page.getByText('The Trash is empty')).toBeVisible();
  await expect(ui(page).list.getByRole('listitem')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the Trash takes the screen, and Back to notes returns to the list', async ({ page }) => {
    await openApp(page);
    const app = ui(page);
    await app.newNote.click();
    await app.title.fill('Pocket note');
    await app.body.fill('written on the go');
    await app.deleteNote.click();
    // After a delete the phone shows the (now empty) list, with the Undo toast.
    await expect(page.getByText('No notes yet')).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Note deleted' })).toBeVisible();

    await openTrash(page);
    await expect(app.newNote).toBeHidden();
    await expect(trashEntry(page, 'Pocket note')).toContainText('written on the go');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await trashEntry(page, 'Pocket note').getByRole('button', { name: 'Restore' }).click();
    await expect(trashEntry(page, 'Pocket note')).toHaveCount(0);

    await page.getByRole('button', { name: 'Back to notes' }).click();
    await expect(trashList(page)).toBeHidden();
    await expect(listItem(page, 'Pocket note')).toBeVisible();
  });
});
