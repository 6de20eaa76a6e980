// History compacts (DESIGN.md section 4, store/compaction.ts): a snapshot of an entity with basis S
// covers the entity's rows with seq <= S; pull never serves covered rows and its cursor steps over
// them; a basis beyond head is refused; covered rows are deleted after RETENTION_DAYS (on the
// injected clock), or at once with 0.

import { makeEdit } from '../../../src/sync/text/yjsText';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, PURGE_PER_PUSH } from '../../../src/server/store/compaction';
import { startCoveredSweep } from '../../../src/server/store/sweep';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { silentLogger } from '../../../src/server/logger';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { compactionSpace } from './compactionFixture';
import { expectError, makeAction } from '../helpers';

const RETENTION_MS = 30 * DAY_MS;
// The clock moves by months here; sessions must outlive that.
const LONG_TOKENS = 3650 * DAY_MS;

for (const kind of backendKinds) {
  describe(`[${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let eager: TestServer;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options(), config: { retentionMs: RETENTION_MS, tokenTtlMs: LONG_TOKENS } });
      eager = await createTestServer({ backend: db.options(), config: { retentionMs: 0, tokenTtlMs: LONG_TOKENS } });
    });
    afterAll(async () => {
      await eager?.close();
      await server?.close();
      await db?.drop();
    });

    describe('compaction', () => {
      it('a snapshot covers its entity up to its basis, older snapshots included, and nothing else', async () => {
        const s = await compactionSpace(server);
        const [e, f] = [uuidv7(), uuidv7()];
        await s.push([s.edit(e), s.edit(e), s.edit(f), s.edit(e)]); // 1..4
        const older = s.snapshot(e, 4);
        await s.push([older]); // 5
        await s.push([s.edit(e)]); // 6: after the newer snapshot's basis
        const newer = s.snapshot(e, 5);
        await s.push([newer]); // 7

        const page = await s.api.pull(0);
        expect(page.actions.map((a) => a.seq)).toEqual([3, 6, 7]);
        expect(s.expectedAfter(0)).toEqual([3, 6, 7]);
        // Served as pushed: basis and the opaque state come back byte for byte.
        expect(page.actions[2]).toEqual({ ...newer, seq: 7 });
        expect(page).toMatchObject({ cursor: 7, head: 7, hasMore: false });
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 3, covered: 4 });
      });

      it('a snapshot from a stale cursor covers only what its maker had', async () => {
        const s = await compactionSpace(server);
        const e = uuidv7();
        await s.push([s.edit(e)]); // 1: the maker pulls up to here
        await s.push([s.edit(e), s.edit(e)]); // 2, 3: another device, meanwhile
        await s.push([s.snapshot(e, 1)]); // 4
        expect(await s.servedAfter(0)).toEqual([2, 3, 4]);
      });

      it('refuses a snapshot whose basis is beyond head, naming it, and stores nothing of its batch', async () => {
        const s = await compactionSpace(server);
        const e = uuidv7();
        await s.push([s.edit(e), s.edit(e)]); // head 2
        // Seqs of the same batch do not count: the maker cannot have pulled them.
        const ahead = s.snapshot(e, 3);
        const res = await s.api.pushRaw({ clientId: s.clientId, actions: [s.edit(e), ahead] });
        const error = await expectError(res, 400, 'invalid_action');
        expect(error).toMatchObject({ index: 1, actionId: ahead.id });
        expect(error.message).toContain('actions[1]');
        expect(error.message).toContain('basis 3');
        expect((await s.api.pull(0)).head).toBe(2);
        expect(await s.servedAfter(0)).toEqual([1, 2]);
      });

      it('stores a snapshot that covers nothing (basis 0, or nothing of its entity up to its basis)', async () => {
        const s = await compactionSpace(server);
        const [e, f] = [uuidv7(), uuidv7()];
        await s.push([s.edit(e), s.snapshot(f, 0)]); // 1, 2
        await s.push([s.snapshot(f, 2)]); // 3: covers 2 (the first snapshot of f), not e's row
        await s.push([s.snapshot(uuidv7(), 3)]); // 4: an entity with no rows at all
        expect(await s.servedAfter(0)).toEqual([1, 3, 4]);
      });

      it('a snapshot pushed again is a duplicate, like any action', async () => {
        const s = await compactionSpace(server);
        const e = uuidv7();
        await s.push([s.edit(e), s.edit(e)]);
        const snap = s.snapshot(e, 2);
        expect(await s.push([snap])).toEqual({ accepted: [snap.id], duplicates: [], head: 3 });
        const later = s.edit(e);
        // A retry after a lost answer, with an edit made since: the snapshot is skipped, the edit kept.
        expect(await s.push([snap, later])).toEqual({ accepted: [later.id], duplicates: [snap.id], head: 4 });
        expect(await s.push([snap, snap])).toEqual({ accepted: [], duplicates: [snap.id, snap.id], head: 4 });
        expect(await s.servedAfter(0)).toEqual([3, 4]);
      });

      it('pull steps over covered rows: pages end before a covered range, the cursor still reaches head', async () => {
        const s = await compactionSpace(server);
        const [e, f] = [uuidv7(), uuidv7()];
        await s.push([s.edit(e), s.edit(e), s.edit(e), s.edit(f), s.edit(e), s.edit(e)]); // 1..6
        await s.push([s.snapshot(e, 6)]); // 7 covers 1, 2, 3, 5, 6
        expect(await s.api.pull(0, 1)).toMatchObject({ actions: [{ seq: 4 }], cursor: 4, hasMore: true });
        expect(await s.api.pull(4, 1)).toMatchObject({ actions: [{ seq: 7 }], cursor: 7, hasMore: false });
        // A device at any cursor catches up with seq > cursor, whatever its page size.
        for (const cursor of [0, 1, 2, 3, 4, 5, 6, 7]) {
          for (const limit of [1, 2, 500]) expect(await s.servedAfter(cursor, limit)).toEqual(s.expectedAfter(cursor));
        }
        expect(await s.api.pull(9)).toMatchObject({ actions: [], cursor: 9, head: 7, hasMore: false });
      });

      it('a new device downloads about one snapshot per note plus the recent actions', async () => {
        const s = await compactionSpace(server);
        const notes = Array.from({ length: 5 }, () => uuidv7());
        for (let round = 0; round < 6; round++) await s.push(notes.map((n) => s.edit(n)));
        const head = (await s.api.pull(0, 1)).head;
        await s.push(notes.map((n) => s.snapshot(n, head)));
        await s.push([s.edit(notes[0]!), s.edit(notes[1]!)]);
        const all = await s.api.pullAll();
        expect(all.map((a) => a.type)).toEqual([...notes.map(() => 'snapshot'), 'update', 'update']);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 7, covered: 30 });
      });

      it('keeps edits of text fields as pushed', async () => {
        const s = await compactionSpace(server);
        const update = makeEdit({ key: 'k', baseStamp: 'b|1', baseText: 'abc', doc: null }, [{ index: 1, deleteCount: 0, insert: 'x' }]).update;
        const edit = { ...s.edit(uuidv7()), type: 'update' as const, payload: {}, edits: { body: { base: 'b|1', update } } };
        await s.push([edit]);
        expect(await s.api.pullAll()).toEqual([{ ...edit, seq: 1 }]);
      });
    });

    describe('retention of covered rows', () => {
      it('deletes covered rows in the next push to their space once covered for RETENTION_DAYS', async () => {
        const s = await compactionSpace(server);
        const other = await compactionSpace(server);
        const e = uuidv7();
        await s.push([s.edit(e), s.edit(e), s.edit(e)]);
        await s.push([s.snapshot(e, 3)]);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 1, covered: 3 });

        server.clock.advance(RETENTION_MS - 1);
        await s.push([s.edit(e)]);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 2, covered: 3 });

        server.clock.advance(1);
        await other.push([other.edit(uuidv7())]); // another space's push leaves these alone
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 2, covered: 3 });
        await s.push([s.edit(e)]);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 3, covered: 0 });
        expect(await s.servedAfter(0)).toEqual([4, 5, 6]);
      });

      it('deletes at most PURGE_PER_PUSH expired rows per push', async () => {
        const s = await compactionSpace(server);
        const e = uuidv7();
        const n = PURGE_PER_PUSH + 20;
        await s.push(Array.from({ length: n }, () => s.edit(e)));
        await s.push([s.snapshot(e, n)]);
        server.clock.advance(RETENTION_MS);
        await s.push([s.edit(e)]);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 2, covered: 20 });
        await s.push([s.edit(e)]);
        expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 3, covered: 0 });
      });

      it('the sweep deletes expired rows of spaces that no longer push, in batches, and only expired ones', async () => {
        const quiet = await compactionSpace(server);
        const recent = await compactionSpace(server);
        const [e, f] = [uuidv7(), uuidv7()];
        await quiet.push([quiet.edit(e), quiet.edit(e), quiet.edit(e), quiet.edit(e), quiet.edit(e)]);
        await quiet.push([quiet.snapshot(e, 5)]);
        server.clock.advance(RETENTION_MS / 2);
        await recent.push([recent.edit(f), recent.edit(f)]);
        await recent.push([recent.snapshot(f, 2)]);
        server.clock.advance(RETENTION_MS / 2);

        const sweep = startCoveredSweep({ store: server.store, clock: server.clock, retentionMs: RETENTION_MS, logger: silentLogger, batch: 2 });
        try {
          expect(await sweep.runOnce()).toBeGreaterThanOrEqual(5);
          expect(await server.store.storedRows(quiet.spaceId)).toEqual({ live: 1, covered: 0 });
          expect(await server.store.storedRows(recent.spaceId)).toEqual({ live: 1, covered: 2 });
        } finally {
          await sweep.stop();
        }
        expect(await sweep.runOnce()).toBe(0); // stopped: no more batches
        expect(await quiet.servedAfter(0)).toEqual([6]);
      });

      it('with RETENTION_DAYS=0, deletes what a snapshot covers in the push that brings it', async () => {
        const s = await compactionSpace(eager);
        const [e, f] = [uuidv7(), uuidv7()];
        await s.push([s.edit(e), s.edit(f), s.edit(e)]);
        await s.push([s.edit(e), s.snapshot(e, 3)]); // 4 stays: beyond the basis
        expect(await eager.store.storedRows(s.spaceId)).toEqual({ live: 3, covered: 0 });
        expect(await s.servedAfter(0)).toEqual([2, 4, 5]);
        await s.push([s.snapshot(e, 5)]);
        expect(await s.servedAfter(0)).toEqual([2, 6]);
        expect(await eager.store.storedRows(s.spaceId)).toEqual({ live: 2, covered: 0 });
      });

      it('an action retried after its covered row was deleted is stored again, after the snapshot (applying it twice is harmless)', async () => {
        const s = await compactionSpace(eager);
        const e = uuidv7();
        const first = s.edit(e);
        await s.push([first, s.edit(e)]);
        await s.push([s.snapshot(e, 2)]);
        const again = await s.push([first]);
        expect(again).toEqual({ accepted: [first.id], duplicates: [], head: 4 });
        expect(await s.servedAfter(0)).toEqual([3, 4]);
      });
    });
  });
}

describe('retention, whatever the backend', () => {
  it('a push that names no retention keeps covered rows for the default 30 days', async () => {
    const server = await createTestServer({ config: { tokenTtlMs: LONG_TOKENS } });
    try {
      const s = await compactionSpace(server);
      const e = uuidv7();
      await s.push([s.edit(e), s.edit(e)]);
      await s.push([s.snapshot(e, 2)]);
      const push = () => {
        const now = server.clock.now();
        const actions = [makeAction(s.clientId, { entityId: e, type: 'update', ms: now })];
        return server.store.push({ spaceId: s.spaceId, userId: s.userId, clientId: s.clientId, actions, receivedAt: now });
      };
      server.clock.advance(RETENTION_MS - 1);
      await push();
      expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 2, covered: 2 });
      server.clock.advance(1);
      await push();
      expect(await server.store.storedRows(s.spaceId)).toEqual({ live: 3, covered: 0 });
    } finally {
      await server.close();
    }
  });
});
