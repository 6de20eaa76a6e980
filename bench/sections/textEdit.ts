// What one saved word costs on the wire: a signed-in device holds a 10 KB note; the bench opens it
// in the editor, puts the caret at the end of the body and types one word as a single input (as a
// paste or an IME commit does), the way a user would, and the server hears every push body from
// then until the device is synced again. Whatever the app sends is measured: the whole body while
// a text field is last-writer-wins, only the change once edits travel as Yjs updates.

import type { Page } from '@playwright/test';
import { APP_DIR, PROBE_FILE, STORAGE_DIR } from '../lib/build';
import { launchDevice } from '../lib/chromium';
import { PASSWORD, register, uniqueName } from '../lib/client';
import { serveApp } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { Results } from '../lib/results';
import { text } from '../lib/synthetic';
import { openApp } from './app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** After the edit's push, any push that follows it within this window still counts. */
const SETTLE_MS = 500;

/** Waits until a push heard after `from` mentions `entityId`. */
async function pushed(bodies: readonly string[], from: number, entityId: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 20) {
    if (bodies.slice(from).some((b) => b.includes(entityId))) return;
    await sleep(20);
  }
  throw new Error(`no push of note ${entityId} within 30 s`);
}

async function typeAtEnd(page: Page, id: string, bodyChars: number, word: string): Promise<void> {
  await page.locator(`button[data-note-id="${id}"]`).click();
  const body = page.getByRole('textbox', { name: 'Body' });
  await page.waitForFunction(([n]) => (document.querySelector('textarea[aria-label="Body"]') as HTMLTextAreaElement | null)?.value.length === n, [bodyChars] as const);
  await body.focus();
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText(word);
}

export async function runTextEdit(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const bodies: string[] = [];
  const server = await serveApp({ appDir: APP_DIR, storageDir: STORAGE_DIR, backend: { kind: 'sqlite', path: ':memory:' }, onPush: (b) => bodies.push(b) });
  const device = await launchDevice('text-edit', PROBE_FILE);
  try {
    const username = uniqueName('bench_text');
    await register(server.url, username);
    const page = await openApp(device, `${server.url}/`, 'text-edit');
    await page.evaluate(([u, p]) => window.__notesBench!.signInAndSync(u, p), [username, PASSWORD] as const);

    const note = text(plan.textEdit.noteBytes, Math.random);
    const id = await page.evaluate(([t, b]) => window.__notesBench!.createNote(t, b), ['A long note', note] as const);
    await pushed(bodies, 0, id);
    await page.evaluate(() => window.__notesBench!.untilSynced());

    log(`one word typed at the end of a ${note.length} B note`);
    const from = bodies.length;
    await typeAtEnd(page, id, note.length, ' word');
    await pushed(bodies, from, id);
    await page.evaluate(() => window.__notesBench!.untilSynced());
    await sleep(SETTLE_MS);
    const after = bodies.slice(from);
    r.textEditPayloadBytes = after.reduce((sum, b) => sum + Buffer.byteLength(b), 0);
    r.sizes.textEditNoteBytes = note.length;
    r.sizes.textEditPushes = after.length;
    log(`the edit went out in ${after.length} push(es), ${r.textEditPayloadBytes} bytes`);
  } finally {
    await device.close();
    await server.close();
  }
}
