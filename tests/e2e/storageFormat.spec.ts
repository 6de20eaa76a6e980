// The database file across app versions. The previous versions kept it with a rollback journal
// (journal_mode PERSIST); this one keeps it in WAL, on a connection that holds its lock
// (src/worker/db/pragmas.ts). Here a database in the old format, made by the app's own store code
// and put in the app's OPFS pool as the previous version left it, must open with every note, turn
// to WAL, and keep the notes written after; a version from before WAL that opens it afterwards must
// be refused without changing anything.
import { copyFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createNote, listItem, openApp } from './helpers';
import { E2E_PORT } from './appServer';
import { serveCopyOfDist, type ServedCopy } from './servedCopy';
import { Store } from '../../src/worker/store/store';

// The pool helper's page must not be taken over by the app's service worker (its navigation fallback
// would serve the app there); the app runs as well without one.
test.use({ serviceWorkers: 'block' });

let app: ServedCopy;
test.beforeAll(async () => {
  app = await serveCopyOfDist(E2E_PORT + 2);
  const dir = join(app.dir, 'old-format');
  mkdirSync(dir);
  for (const f of ['index.mjs', 'sqlite3.wasm']) copyFileSync(join('node_modules/@sqlite.org/sqlite-wasm/dist', f), join(dir, f));
  copyFileSync('tests/e2e/oldFormat/poolWorker.js', join(dir, 'poolWorker.js'));
  writeFileSync(join(dir, 'blank.html'), '<!doctype html><title>pool helper</title>');
});
test.afterAll(async () => {
  await app?.close();
});

/** A database as the previous version wrote it: the current schema, two notes, rollback-journal header. */
async function oldDatabase(): Promise<number[]> {
  const sqlite3 = await sqlite3InitModule();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  let n = 0;
  const store = Store.open(db, { now: () => 1_760_000_000_000 + n, newId: () => `0199a000-0000-7000-8000-${(n++).toString(16).padStart(12, '0')}` });
  store.applyLocal({ collection: 'notes', entityId: store.newActionId(), type: 'create', payload: { title: 'Written before WAL', body: 'kept by the old version' } });
  store.applyLocal({ collection: 'notes', entityId: store.newActionId(), type: 'create', payload: { title: 'Second old note', body: 'also kept' } });
  const bytes = sqlite3.capi.sqlite3_js_db_export(db);
  db.close();
  expect([bytes[18], bytes[19]], 'the seed has a rollback-journal header').toEqual([1, 1]);
  return [...bytes];
}

type PoolResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** What the helper answered; a failure of the helper itself fails the test with its reason. */
function answer(r: PoolResult): Record<string, unknown> {
  if (!r.ok) throw new Error(`the pool helper failed: ${r.error}`);
  return r.value;
}

/** Runs one operation of the pool helper (oldFormat/poolWorker.js) in a page of the app's origin where the app is not running. */
async function onPool(page: Page, op: string, args?: Record<string, unknown>): Promise<PoolResult> {
  await page.goto(`${app.url}/old-format/blank.html`);
  return page.evaluate(
    ([op, args]) =>
      new Promise<PoolResult>((resolve) => {
        const worker = new Worker('/old-format/poolWorker.js', { type: 'module' });
        worker.onmessage = (e: MessageEvent) => {
          if (e.data.ready) {
            const a = args as { bytes?: number[] } | undefined;
            worker.postMessage({ op, args: a?.bytes ? { bytes: new Uint8Array(a.bytes) } : a });
            return;
          }
          worker.terminate();
          resolve(e.data as PoolResult);
        };
        worker.onerror = (e) => resolve({ ok: false, error: `worker failed: ${e.message}` });
      }),
    [op, args] as const,
  );
}

test('notes kept with the old rollback journal open, move to WAL and stay; a version from before WAL is refused after and changes nothing', async ({ page }) => {
  const seeded = answer(await onPool(page, 'seed', { bytes: await oldDatabase() }));
  expect(seeded.journalMode).toBe('persist');
  expect(seeded.files).toEqual(expect.arrayContaining(['/notes.sqlite3', '/notes.sqlite3-journal']));

  await openApp(page, `${app.url}/`);
  await expect(listItem(page, 'Written before WAL')).toContainText('kept by the old version');
  await expect(listItem(page, 'Second old note')).toContainText('also kept');
  await createNote(page, 'Written after', 'in the WAL');

  // Leaving the page ends the app's worker without closing the database: the WAL is not checkpointed.
  const header = answer(await onPool(page, 'header'));
  expect([header.write, header.read], 'the database file says WAL').toEqual([2, 2]);
  expect(header.files, 'the old journal is gone').not.toContain('/notes.sqlite3-journal');

  const old = await onPool(page, 'openAsOldVersion');
  if (old.ok) throw new Error(`a version from before WAL opened the WAL database: ${JSON.stringify(old.value)}`);
  expect(old.error).toMatch(/unable to open|CANTOPEN/i);

  // Nothing was lost, the note that was only in the WAL included, and writing goes on.
  await openApp(page, `${app.url}/`);
  await expect(listItem(page, 'Written before WAL')).toContainText('kept by the old version');
  await expect(listItem(page, 'Written after')).toContainText('in the WAL');
  await createNote(page, 'Third', 'after reopening');
  await page.reload();
  await expect(listItem(page, 'Third')).toContainText('after reopening');
  await expect(listItem(page, 'Second old note')).toContainText('also kept');
});
