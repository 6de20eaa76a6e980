// Compaction between devices through the real server (DESIGN.md sections 4 and 5): devices snapshot
// notes with many actions since the last snapshot, the server stops serving (and with retention 0
// deletes) what a snapshot covers, each device prunes its own log the same way, and none of it
// changes what anyone sees, what a new device gets, or what Conflicts reports.

import { afterEach, describe, expect, it } from 'vitest';
import { getNote } from '../../../src/worker/notes/noteQueries';
import { materializedState, replayLog } from '../../../src/worker/store/replay';
import { canonicalStates, count } from '../helpers';
import { createTestServer } from '../../../src/server/testing';
import { runSyncCycle } from '../../../src/sync/cycle/syncCycle';
import { httpTransport } from '../../../src/sync/cycle/transport';
import { replayServerLog, simWorld, type SimClient, type SimWorld } from '../syncHelpers';

let world: SimWorld;
afterEach(async () => world?.close());

async function typeWordByWord(c: SimClient, id: string, words: readonly string[]): Promise<string> {
  let body = (await c.notes.getNote(id))?.body ?? '';
  for (const w of words) {
    const next = body === '' ? w : `${body} ${w}`;
    await c.notes.updateNote(id, { body: next }, { editedFrom: { body } });
    body = next;
    world.server.clock.advance(10);
  }
  return body;
}

const words = 'the quick brown fox jumps over the lazy dog while a cat watches from the warm windowsill'.split(' ');

describe('compaction', () => {
  it('snapshots a note typed word by word, prunes both logs, and a new device gets one snapshot plus the rest', async () => {
    world = await simWorld({ snapshotEvery: 5, retentionMs: 0 });
    const a = await world.client('A');
    const note = await a.notes.createNote({ title: 'Essay', body: '' });
    const text = await typeWordByWord(a, note.id, words);
    await a.cycle(); // pushes the edits, pulls them back, snapshots, pushes the snapshot
    await a.cycle(); // the snapshot comes back: A prunes what it covers

    const served = await world.serverLog();
    expect(served.filter((x) => x.type === 'snapshot')).toHaveLength(1);
    expect(served.length).toBeLessThan(5);
    expect(count(a.db, 'SELECT count(*) FROM actions')).toBeLessThan(5);
    expect(canonicalStates(replayLog(a.db))).toBe(canonicalStates(materializedState(a.db)));
    expect(getNote(a.db, note.id)?.body).toBe(text);

    const fresh = await world.client('new device');
    await fresh.cycle();
    expect(getNote(fresh.db, note.id)).toMatchObject({ title: 'Essay', body: text });
    expect(count(fresh.db, 'SELECT count(*) FROM actions')).toBe(served.length);
  });

  it('keeps pending work: a note with unsynced changes is not snapshotted and nothing pending is pruned', async () => {
    world = await simWorld({ snapshotEvery: 3, retentionMs: 0 });
    const a = await world.client('A');
    const note = await a.notes.createNote({ title: 'T', body: '' });
    await typeWordByWord(a, note.id, words.slice(0, 4));
    expect(await a.sync.compact?.()).toBe(0); // everything is still pending
    expect(count(a.db, `SELECT count(*) FROM actions WHERE status = 'pending'`)).toBe(5);
  });

  it('a device that learns of the winning write only inside a snapshot still lists its lost edit', async () => {
    world = await simWorld({ snapshotEvery: 3, retentionMs: 0 });
    const a = await world.client('A');
    const b = await world.client('B');
    const note = await a.notes.createNote({ title: 'Plans', body: 'x' });
    await a.cycle();
    await b.cycle();
    // A retitles and uploads, but pulls nothing more; B retitles without having seen A's title.
    world.server.clock.advance(1_000);
    await a.notes.updateNote(note.id, { title: 'Plans from A' });
    await a.transport.push(a.store.clientId, a.store.pendingActions(10));
    world.server.clock.advance(1_000);
    await b.notes.updateNote(note.id, { title: 'Plans from B' });
    await typeWordByWord(b, note.id, ['one', 'two', 'three']);
    await b.cycle(); // B pushes, snapshots (covering A's and its own writes), pushes the snapshot
    const served = await world.serverLog();
    expect(served.map((x) => x.type)).toContain('snapshot');
    expect(served.some((x) => x.payload.title === 'Plans from B')).toBe(false); // only inside the snapshot

    await a.cycle();
    expect(getNote(a.db, note.id)?.title).toBe('Plans from B');
    expect(await a.conflicts.list()).toEqual([expect.objectContaining({ field: 'title', kind: 'overwritten', lostValue: 'Plans from A' })]);
  });

  it('after a backend reset the device re-pushes its snapshots and pending work, and nothing is lost though old actions were pruned', async () => {
    world = await simWorld({ snapshotEvery: 3, retentionMs: 0 });
    const a = await world.client('A');
    const n1 = await a.notes.createNote({ title: 'Kept', body: '' });
    const text = await typeWordByWord(a, n1.id, words.slice(0, 6));
    await a.cycle();
    await a.cycle();
    expect(count(a.db, `SELECT count(*) FROM actions WHERE type != 'snapshot'`)).toBeLessThan(3);
    await a.notes.updateNote(n1.id, { title: 'Kept and renamed' }); // pending at the reset

    // The server loses everything: a new database (new epoch) behind the same account.
    const fresh = await createTestServer();
    fresh.clock.set(world.server.clock.now());
    try {
      const { token } = await fresh.register();
      const transport = httpTransport({ baseUrl: fresh.baseUrl, fetch: fresh.fetch, token: () => token });
      await runSyncCycle(a.store.clientId, a.sync, transport);
      expect(a.store.pendingActions(10)).toEqual([]);
      // A new device on the new server gets the whole note, from what A re-pushed.
      const page = await transport.pull(0, 1_000);
      const states = replayServerLog(page.actions);
      const state = [...states.values()].find((e) => e.id === n1.id);
      expect(state?.fields).toEqual({ title: 'Kept and renamed', body: text });
      expect(await a.conflicts.list()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
