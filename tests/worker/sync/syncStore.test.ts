// The worker's SyncStore (syncStore.ts, restamp.ts) under the real sync cycle and the real server:
// a reset server gets our work again, a clock far ahead is corrected without reordering or losing
// edits, a refused action waits aside while the rest uploads, and a page applies all or nothing.

import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { formatHlc, parseHlc } from '../../../src/sync/hlc';
import { LIMITS } from '../../../src/sync/protocol';
import { stampOf } from '../../../src/sync/stamp';
import { runSyncCycle } from '../../../src/sync/cycle/syncCycle';
import { httpTransport } from '../../../src/sync/cycle/transport';
import { appendAction, findAction, listQuarantinedActions } from '../../../src/worker/store/actionLog';
import { getClockOffset } from '../../../src/worker/db/meta';
import { getNote, listNotes } from '../../../src/worker/notes/noteQueries';
import { materializedState, replayLog } from '../../../src/worker/store/replay';
import { indexingHeld } from '../../../src/worker/notes/searchIndex';
import { canonicalStates, count, uuidFor } from '../helpers';
import { replayServerLog, simWorld, type SimWorld } from '../syncHelpers';

const MINUTE = 60_000;
let world: SimWorld;
const others: TestServer[] = [];

afterEach(async () => {
  await world?.close();
  for (const s of others.splice(0)) await s.close();
});

describe('resetForNewEpoch: a server that lost its data', () => {
  it('gets every action of ours again, and local notes and pending work stay', async () => {
    world = await simWorld();
    const a = await world.client('A');
    const b = await world.client('B');
    const fromB = await b.notes.createNote({ title: 'from B' });
    await b.cycle();
    const n1 = await a.notes.createNote({ title: 'one' });
    await a.notes.updateNote(n1.id, { body: 'synced' });
    await a.cycle();
    expect(a.store.pendingActions(10)).toEqual([]);
    await a.notes.createNote({ title: 'written while the server was down' });

    // The backend is replaced: a new database (new epoch), the same account made again.
    const fresh = await createTestServer();
    others.push(fresh);
    fresh.clock.set(world.server.clock.now());
    const { token } = await fresh.register('alice_again');
    const transport = httpTransport({ baseUrl: fresh.baseUrl, fetch: fresh.fetch, token: () => token });
    const before = canonicalStates(materializedState(a.db));

    const result = await runSyncCycle(a.store.clientId, a.sync, transport);

    expect(result.pushed).toBe(3);
    expect(a.store.syncEpoch).toBe(fresh.store.epoch);
    expect(a.store.syncCursor).toBe(3);
    expect(a.store.pendingActions(10)).toEqual([]);
    const page = await transport.pull(0, 100);
    expect(page.actions.map((x) => x.clientId)).toEqual([a.store.clientId, a.store.clientId, a.store.clientId]);
    // Nothing local was wiped: B's note (which the new server lacks) is still here, as is everything of ours.
    expect(canonicalStates(materializedState(a.db))).toBe(before);
    expect(listNotes(a.db).map((n) => n.title).sort()).toEqual(['from B', 'one', 'written while the server was down']);
    expect(getNote(a.db, fromB.id)?.pending).toBe(false);
  });
});

describe('restampPending: a clock far ahead of the server', () => {
  it('re-stamps offline edits on the server clock, in order, so they are accepted and the last edit wins', async () => {
    world = await simWorld();
    const a = await world.client('A', 10 * MINUTE);
    const note = await a.notes.createNote({ title: 'first' });
    await a.notes.updateNote(note.id, { title: 'second' });
    await a.notes.updateNote(note.id, { title: 'third' }, { base: { title: note.stamps.title! } });

    await a.cycle();

    const log = await world.serverLog();
    const serverNow = world.server.clock.now();
    expect(log).toHaveLength(3);
    for (const x of log) expect(parseHlc(x.hlc).ms - serverNow).toBeLessThanOrEqual(LIMITS.maxClockAheadMs);
    expect(log.map((x) => x.hlc)).toEqual([...log.map((x) => x.hlc)].sort());
    expect(getNote(a.db, note.id)?.title).toBe('third');
    expect(canonicalStates(materializedState(a.db))).toBe(canonicalStates(replayServerLog(log)));
    expect(canonicalStates(replayLog(a.db))).toBe(canonicalStates(materializedState(a.db)));
    // The base named the create's old stamp; it now names its new one.
    expect(log[2]!.base).toEqual({ title: stampOf(log[0]!) });
    // From now on the device stamps on the corrected clock.
    expect(getClockOffset(a.db)).toBe(-10 * MINUTE);
    await a.notes.createNote({ title: 'later' });
    const [later] = a.store.pendingActions(1);
    expect(Math.abs(parseHlc(later!.hlc).ms - serverNow)).toBeLessThan(MINUTE);
  });

  it('keeps the stamp of a pending action the server may already have (its answer was lost)', async () => {
    world = await simWorld();
    const a = await world.client('A', 4 * MINUTE);
    const n = await a.notes.createNote({ title: 'accepted, answer lost' });
    a.faults = ['dropResponse'];
    await expect(a.cycle()).rejects.toMatchObject({ kind: 'network' });
    const [uploaded] = a.store.pendingActions(1);
    // The device's clock is moved further ahead; its next edit is stamped beyond what the server accepts.
    a.skewMs = 10 * MINUTE;
    await a.notes.updateNote(n.id, { title: 'made after the clock jumped' });

    await a.cycle();

    const log = await world.serverLog();
    expect(log.map((x) => x.id)).toHaveLength(2);
    expect(log[0]).toMatchObject({ id: uploaded!.id, hlc: uploaded!.hlc });
    expect(findAction(a.db, uploaded!.id)?.action.hlc).toBe(uploaded!.hlc);
    expect(log[1]!.hlc > log[0]!.hlc).toBe(true);
    expect(getNote(a.db, n.id)?.title).toBe('made after the clock jumped');
    expect(canonicalStates(materializedState(a.db))).toBe(canonicalStates(replayServerLog(log)));
  });
});

describe('quarantine', () => {
  it('sets a refused action aside with the reason and uploads the rest', async () => {
    world = await simWorld();
    const a = await world.client('A');
    await a.notes.createNote({ title: 'before' });
    // An action the server refuses (it names another device): e.g. left by an older app version.
    const stranger = uuidFor('0bad0000', 1);
    const bad = {
      id: uuidFor('0bad0000', 2),
      collection: 'notes',
      entityId: uuidFor('0bad0000', 3),
      type: 'create' as const,
      payload: { title: 'x', body: '' },
      hlc: formatHlc({ ms: world.server.clock.now(), counter: 0, node: stranger }),
      clientId: stranger,
    };
    appendAction(a.db, bad, 'pending');
    await a.notes.createNote({ title: 'after' });

    const r = await a.cycle({ pushChunk: 10 });

    expect(r).toMatchObject({ pushed: 2, quarantined: 1 });
    expect(a.store.pendingActions(10)).toEqual([]);
    const [q] = listQuarantinedActions(a.db);
    expect(q?.action.id).toBe(bad.id);
    expect(q?.error).toMatch(/clientId/);
    expect((await world.serverLog()).map((x) => x.payload.title)).toEqual(['before', 'after']);
  });
});

describe('applyPage', () => {
  it('applies a page, its cursor and the server clock together, or none of them', async () => {
    world = await simWorld();
    const a = await world.client('A');
    const b = await world.client('B');
    await b.notes.createNote({ title: 'good' });
    await b.cycle();
    const page = await b.transport.pull(0, 10);
    const broken = { ...page.actions[0]!, id: uuidFor('0bad0000', 9), seq: 2, collection: 'tasks' };

    await expect(a.sync.applyPage({ ...page, actions: [...page.actions, broken], cursor: 2, head: 2, serverTime: page.serverTime + 1 })).rejects.toThrow(
      /collection/,
    );
    expect(count(a.db, 'SELECT count(*) FROM actions')).toBe(0);
    expect(a.store.syncCursor).toBe(0);
    expect(getClockOffset(a.db)).toBe(0);

    expect(await a.sync.applyPage(page)).toEqual({ changed: 1 });
    expect(a.store.syncCursor).toBe(1);
    expect(a.changed).toHaveLength(1);
  });

  it('acknowledging uploads clears the not-yet-synced mark and says which notes changed', async () => {
    world = await simWorld();
    const a = await world.client('A');
    const n = await a.notes.createNote({ title: 'mine' });
    expect(getNote(a.db, n.id)?.pending).toBe(true);
    const [action] = a.store.pendingActions(1);
    await a.sync.markAcknowledged([action!.id]);
    expect(getNote(a.db, n.id)?.pending).toBe(false);
    expect(a.changed).toEqual([n.id]);
  });
});

describe('applyPage and the search index', () => {
  it('holds the batches after writes while the server has more pages, and lets them go with the last', async () => {
    world = await simWorld();
    const a = await world.client('A');
    for (let i = 0; i < 5; i++) await a.notes.createNote({ title: `Note ${i}` });
    await a.cycle();
    const b = await world.client('B');
    const held: boolean[] = [];
    const sync = { ...b.sync, applyPage: async (page: Parameters<typeof b.sync.applyPage>[0]) => {
      const r = await b.sync.applyPage(page);
      held.push(indexingHeld(b.db));
      return r;
    } };
    await runSyncCycle(b.store.clientId, sync, b.transport, { pullLimit: 2 });
    expect(held).toEqual([true, true, false]);
    expect(listNotes(b.db, 10)).toHaveLength(5);
  });
});
