// While a pulled page is applied, the next one is already on its way (syncCycle.ts pullAll): the
// server's and the network's time overlap the device's. Pages are still applied in cursor order,
// each once, and a page asked for ahead is dropped when the cursor did not end where it starts.

import { afterEach, describe, expect, it } from 'vitest';
import type { SyncStore } from '../../../src/sync/cycle/syncCycle';
import { runSyncCycle } from '../../../src/sync/cycle/syncCycle';
import type { Transport } from '../../../src/sync/cycle/transport';
import { count } from '../helpers';
import { simWorld, type SimWorld } from '../syncHelpers';

let world: SimWorld;
afterEach(async () => world?.close());

/** The transport and store, recording when each pull starts and each page's apply starts and ends. */
function recorded(transport: Transport, store: SyncStore, events: string[]): { transport: Transport; store: SyncStore } {
  return {
    transport: {
      push: (clientId, actions) => transport.push(clientId, actions),
      pull: (cursor, limit) => {
        events.push(`pull ${cursor}`);
        return transport.pull(cursor, limit);
      },
    },
    store: {
      ...store,
      syncState: () => store.syncState(),
      applyPage: async (page) => {
        events.push(`apply ${page.cursor - page.actions.length}..${page.cursor} start`);
        const r = await store.applyPage(page);
        events.push(`apply end`);
        return r;
      },
    },
  };
}

/** Seven notes on the server (from device B), and a new device A whose pulls and applies are recorded. */
async function newDeviceOfSevenNotes() {
  world = await simWorld();
  const b = await world.client('B');
  for (let i = 1; i <= 7; i++) await b.notes.createNote({ title: `B${i}` });
  await b.cycle();
  const a = await world.client('A');
  const events: string[] = [];
  return { a, events, r: recorded(a.transport, a.sync, events) };
}

describe('pulling ahead', () => {
  it('asks for the next page before the one it has is applied, and applies them in order', async () => {
    const { a, events, r } = await newDeviceOfSevenNotes();
    await runSyncCycle(a.store.clientId, r.store, r.transport, { pullLimit: 3 });
    expect(events).toEqual(['pull 0', 'pull 3', 'apply 0..3 start', 'apply end', 'pull 6', 'apply 3..6 start', 'apply end', 'apply 6..7 start', 'apply end']);
    expect(count(a.db, "SELECT count(*) FROM notes WHERE visible = 1")).toBe(7);
    expect(a.store.syncCursor).toBe(7);
  });

  it('drops the page asked for ahead when the cursor ended elsewhere, and pulls from where it is', async () => {
    const { a, events, r } = await newDeviceOfSevenNotes();
    // The first page's apply leaves the cursor at 2, not at the 3 the page ahead starts from.
    const store: SyncStore = {
      ...r.store,
      applyPage: async (page) => {
        const out = await r.store.applyPage(page);
        if (page.cursor === 3) a.store.setSyncCursor(2);
        return out;
      },
    };
    await runSyncCycle(a.store.clientId, store, r.transport, { pullLimit: 3 });
    expect(events.filter((e) => e.startsWith('pull'))).toEqual(['pull 0', 'pull 3', 'pull 2', 'pull 5']);
    expect(count(a.db, "SELECT count(*) FROM notes WHERE visible = 1")).toBe(7);
    expect(a.store.syncCursor).toBe(7);
  });
});
