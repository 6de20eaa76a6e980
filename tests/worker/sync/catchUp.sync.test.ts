// A device catching up on a backlog (a new device pulling an account's whole history) snapshots
// every note it brought with more than one action since its last snapshot, not only the busy ones,
// so the next new device bootstraps from about one action per note (DESIGN.md section 4).

import { afterEach, describe, expect, it } from 'vitest';
import { getNote } from '../../../src/worker/notes/noteQueries';
import { materializedState, replayLog } from '../../../src/worker/store/replay';
import { canonicalStates, count, fillUp } from '../helpers';
import { runSyncCycle } from '../../../src/sync/cycle/syncCycle';
import { workerSyncStore } from '../../../src/worker/sync/syncStore';
import { readSyncStatus } from '../../../src/worker/sync/syncStatus';
import { simWorld, type SimClient, type SimWorld } from '../syncHelpers';

let world: SimWorld;
afterEach(async () => world?.close());

/** Notes with `edits` updates each (1 + edits actions), written and synced by `c` one by one (no cycle of it a catch-up). */
async function history(c: SimClient, notes: number, edits: number): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  for (let i = 0; i < notes; i++) {
    const { id } = await c.notes.createNote({ title: `Note ${i}`, body: `body ${i}` });
    for (let e = 0; e < edits; e++) await c.notes.updateNote(id, { title: `Note ${i} v${e}` });
    titles.set(id, edits === 0 ? `Note ${i}` : `Note ${i} v${edits - 1}`);
    await c.cycle();
  }
  return titles;
}

describe('compaction after a catch-up', () => {
  it('a device that pulled a backlog snapshots every note with two actions or more, and the next new device pulls one action per note', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 10, retentionMs: 0 });
    const author = await world.client('author');
    const titles = await history(author, 6, 2); // 18 actions, each note well below snapshotEvery
    const single = await author.notes.createNote({ title: 'Only created', body: '' });
    await author.cycle();
    titles.set(single.id, 'Only created');

    const first = await world.client('first new device');
    const r = await first.cycle(); // pulls 19 actions (a catch-up) and ends: the next cycle compacts
    expect(r.pulled).toBe(19);
    expect(r.compactionDue).toBe(true);
    expect(count(first.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`)).toBe(0);
    expect((await first.cycle()).pushed).toBe(6); // snapshots 6 notes, pushes them
    await first.cycle(); // its snapshots come back: its log is pruned like the server's
    expect(canonicalStates(replayLog(first.db))).toBe(canonicalStates(materializedState(first.db)));

    const served = await world.serverLog();
    expect(served).toHaveLength(7); // six snapshots and the note that was only created
    const next = await world.client('next new device');
    expect((await next.cycle()).pulled).toBe(7);
    for (const [id, title] of titles) expect(getNote(next.db, id)?.title).toBe(title);
    expect(canonicalStates(materializedState(next.db))).toBe(canonicalStates(materializedState(first.db)));
  });

  it('a catch-up snapshots a slice a cycle: the first cycle ends once the pull is in, the next ones take the rest', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 10, retentionMs: 0, compactionSlice: 4 });
    const author = await world.client('author');
    const titles = await history(author, 10, 2); // 30 actions: ten notes due after a catch-up
    const snapshots = (c: SimClient) => count(c.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`);

    const first = await world.client('first new device');
    const r = await first.cycle();
    expect(r.pulled).toBe(30);
    expect(r.compactionDue).toBe(true);
    expect(snapshots(first)).toBe(0); // the catch-up's cycle ends with the pull
    const slice = await first.cycle();
    expect(slice.compactionDue).toBe(true);
    expect(snapshots(first)).toBe(4);
    expect(slice.pushed).toBe(4);

    // A note written here before the next slice: its write goes up first, and the snapshot after it holds it.
    const edited = [...titles.keys()][9]!;
    await first.notes.updateNote(edited, { title: 'edited before its snapshot' });
    titles.set(edited, 'edited before its snapshot');
    const second = await first.cycle();
    expect(second.compactionDue).toBe(true);
    expect(snapshots(first)).toBeLessThanOrEqual(8);
    const third = await first.cycle();
    expect(third.compactionDue).toBe(false);
    await first.cycle(); // the last snapshots come back and prune the log
    expect((await first.cycle()).compactionDue).toBe(false);
    expect(canonicalStates(replayLog(first.db))).toBe(canonicalStates(materializedState(first.db)));

    const served = await world.serverLog();
    expect(served.every((a) => a.type === 'snapshot')).toBe(true);
    expect(served).toHaveLength(10);
    const next = await world.client('next new device');
    expect((await next.cycle()).pulled).toBe(10);
    for (const [id, title] of titles) expect(getNote(next.db, id)?.title).toBe(title);
  });

  it('the app closed between slices: the next start finds the rest with the catch-up threshold; the status says compacting until then', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 10, retentionMs: 0, compactionSlice: 4 });
    const author = await world.client('author');
    await history(author, 10, 2);
    const first = await world.client('first new device');
    const compacting = () => readSyncStatus(first.db, { state: 'synced', error: null }).compacting;
    expect(compacting()).toBe(false);
    expect((await first.cycle()).compactionDue).toBe(true);
    expect(compacting()).toBe(true);

    // A restart: a new sync store (nothing in memory), and this cycle pulls nothing of a catch-up.
    const restarted = workerSyncStore(first.store, () => {}, { snapshotEvery: 20, catchUpActions: 10, compactionSlice: 100 });
    expect(restarted.compactionDue!()).toBe(true);
    const r = await runSyncCycle(first.store.clientId, restarted, first.transport);
    expect(r.compactionDue).toBe(false);
    expect(compacting()).toBe(false);
    expect(count(first.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`)).toBe(10);
  });

  it('a second catch-up, after the first one\'s snapshots are all up, is compacted in the cycles after it too', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 10, retentionMs: 0, compactionSlice: 100 });
    const author = await world.client('author');
    await history(author, 6, 2);
    const reader = await world.client('reader');
    const drain = async () => {
      for (let i = 0; i < 10; i++) if (!(await reader.cycle()).compactionDue) return;
      throw new Error('compaction never ended');
    };
    expect((await reader.cycle()).compactionDue).toBe(true);
    await drain();
    const before = count(reader.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`);
    await history(author, 6, 2); // the reader away meanwhile: its next cycle is a catch-up again
    expect((await reader.cycle()).compactionDue).toBe(true);
    await drain();
    expect(count(reader.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`)).toBe(before + 6);
  });

  it('a slice that cannot be written (a full disk) waits for the next compaction, none lost', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 10, retentionMs: 0, compactionSlice: 3 });
    const author = await world.client('author');
    for (let i = 0; i < 6; i++) {
      const { id } = await author.notes.createNote({ title: `Note ${i}`, body: `${i} `.repeat(3_000) });
      await author.notes.updateNote(id, { title: `Note ${i} again` });
      await author.cycle(); // two actions a cycle: never a catch-up of the author's own
    }
    const first = await world.client('first new device');
    expect((await first.cycle()).compactionDue).toBe(true);
    expect((await first.cycle()).compactionDue).toBe(true);
    const snapshots = () => count(first.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`);
    expect(snapshots()).toBe(3);
    first.db.exec('VACUUM'); // no free pages left inside the file for the snapshots to take
    fillUp(first.db);
    await expect(first.sync.compact!()).rejects.toThrow();
    expect(snapshots()).toBe(3);
    first.db.exec('PRAGMA max_page_count = 1073741823');
    expect(await first.sync.compact!()).toBe(3);
    expect(first.sync.compactionDue!()).toBe(false);
    expect(snapshots()).toBe(6);
  });

  it('a cycle that pulled less than a catch-up snapshots only the notes with snapshotEvery actions', async () => {
    world = await simWorld({ snapshotEvery: 20, catchUpActions: 100, retentionMs: 0 });
    const author = await world.client('author');
    await history(author, 6, 2);
    const other = await world.client('other');
    expect((await other.cycle()).pulled).toBe(18);
    expect(count(other.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`)).toBe(0);
  });
});
