// A device stopped in the middle of a sync (the tab killed, the network gone, an exception) resumes
// from what it committed: nothing is lost, nothing is applied or uploaded twice. "Stopped" is real
// here: the database is snapshotted as committed and reopened from those bytes in a new device
// process (new Store, new SyncStore), the way the browser reopens its OPFS file.

import { afterEach, describe, expect, it } from 'vitest';
import { SyncError, type Transport } from '../../../src/sync/cycle/transport';
import { runSyncCycle } from '../../../src/sync/cycle/syncCycle';
import { materializedState } from '../../../src/worker/store/replay';
import { canonicalStates, count } from '../helpers';
import { reopen, replayServerLog, simWorld, snapshot, type SimClient, type SimWorld } from '../syncHelpers';

let world: SimWorld;
afterEach(async () => world?.close());

/** A transport that runs `onPull(n)` before its n-th pull (1-based), to stop the cycle there. */
function interrupting(inner: Transport, onPull: (n: number) => Promise<void>): Transport {
  let pulls = 0;
  return {
    push: (clientId, actions) => inner.push(clientId, actions),
    pull: async (cursor, limit) => {
      await onPull(++pulls);
      return inner.pull(cursor, limit);
    },
  };
}

async function sevenNotesFromB(): Promise<SimClient> {
  const b = await world.client('B');
  for (let i = 1; i <= 7; i++) await b.notes.createNote({ title: `B${i}` });
  await b.cycle();
  return b;
}

async function expectConverged(c: SimClient): Promise<void> {
  const log = await world.serverLog();
  expect(new Set(log.map((x) => x.id)).size).toBe(log.length);
  expect(count(c.db, 'SELECT count(*) FROM actions')).toBe(log.length);
  expect(c.store.syncCursor).toBe(log.length);
  expect(c.store.pendingActions(10)).toEqual([]);
  expect(canonicalStates(materializedState(c.db))).toBe(canonicalStates(replayServerLog(log)));
}

describe('crash safety', () => {
  it('an exception after a page was applied: the next cycle resumes at the stored cursor', async () => {
    world = await simWorld();
    await sevenNotesFromB();
    const a = await world.client('A');
    await a.notes.createNote({ title: 'A1' });
    const stopAtSecondPage = interrupting(a.transport, async (n) => {
      if (n === 2) throw new SyncError('network', 'connection reset');
    });

    await expect(runSyncCycle(a.store.clientId, a.sync, stopAtSecondPage, { pullLimit: 3 })).rejects.toThrow('connection reset');
    expect(a.store.syncCursor).toBe(3);
    expect(count(a.db, 'SELECT count(*) FROM actions')).toBe(3 + 1);

    await a.cycle({ pullLimit: 3 });
    await expectConverged(a);
  });

  it('the device stopped between a page and the next step, reopened from its committed bytes', async () => {
    world = await simWorld();
    await sevenNotesFromB();
    const a = await world.client('A');
    await a.notes.createNote({ title: 'A1' });
    await a.notes.createNote({ title: 'A2' });
    let bytes: Uint8Array | undefined;
    const dieAtSecondPage = interrupting(a.transport, async (n) => {
      if (n !== 2) return;
      bytes = await snapshot(a.db);
      throw new Error('the tab was closed');
    });
    await expect(runSyncCycle(a.store.clientId, a.sync, dieAtSecondPage, { pullLimit: 4 })).rejects.toThrow('the tab was closed');
    a.db.close();

    const again = await world.client('A, reopened', 0, await reopen(bytes!));
    expect(again.store.clientId).toBe(a.store.clientId);
    expect(again.store.syncCursor).toBe(4);
    await again.cycle({ pullLimit: 4 });
    await expectConverged(again);
    expect((await world.serverLog()).filter((x) => x.clientId === a.store.clientId)).toHaveLength(2);
  });

  it('the device stopped after the server stored its upload but before it heard back: uploaded once', async () => {
    world = await simWorld();
    const a = await world.client('A');
    await a.notes.createNote({ title: 'A1' });
    a.faults = ['dropResponse'];
    await expect(a.cycle()).rejects.toMatchObject({ kind: 'network' });
    const bytes = await snapshot(a.db);
    a.db.close();

    const again = await world.client('A, reopened', 0, await reopen(bytes));
    expect(again.store.pendingActions(10)).toHaveLength(1);
    const r = await again.cycle();
    expect(r.pushed).toBe(0);
    await expectConverged(again);
    expect(await world.serverLog()).toHaveLength(1);
  });
});
