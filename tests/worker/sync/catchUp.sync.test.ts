// A device catching up on a backlog (a new device pulling an account's whole history) snapshots
// every note it brought with more than one action since its last snapshot, not only the busy ones,
// so the next new device bootstraps from about one action per note (DESIGN.md section 4).

import { afterEach, describe, expect, it } from 'vitest';
import { getNote } from '../../../src/worker/notes/noteQueries';
import { materializedState, replayLog } from '../../../src/worker/store/replay';
import { canonicalStates, count } from '../helpers';
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
    const r = await first.cycle(); // pulls 19 actions (a catch-up), snapshots 6 notes, pushes them
    expect(r.pulled).toBe(19);
    expect(count(first.db, `SELECT count(*) FROM actions WHERE type = 'snapshot'`)).toBe(6);
    await first.cycle(); // its snapshots come back: its log is pruned like the server's
    expect(canonicalStates(replayLog(first.db))).toBe(canonicalStates(materializedState(first.db)));

    const served = await world.serverLog();
    expect(served).toHaveLength(7); // six snapshots and the note that was only created
    const next = await world.client('next new device');
    expect((await next.cycle()).pulled).toBe(7);
    for (const [id, title] of titles) expect(getNote(next.db, id)?.title).toBe(title);
    expect(canonicalStates(materializedState(next.db))).toBe(canonicalStates(materializedState(first.db)));
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
