// Compaction under concurrency (store/compaction.ts). A snapshot covers only seq <= basis, and its
// push serializes with every other push to the space (the counter row's lock; SQLite's one writer),
// so an action racing the snapshot of its entity is never covered: it commits either before the
// snapshot with a seq its maker had not pulled (> basis), or after it (> head >= basis). The store's
// beforeCommit hook holds transactions open to make those windows wide, as race.test.ts does.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushTransactionInfo } from '../../../src/server/store/types';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import type { SequencedAction } from '../../../src/sync/action';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { compactionSpace, uncovered, type Pushed } from './compactionFixture';
import { sleep } from '../helpers';

/** Holds the next push transaction open (inside it, before COMMIT) until released. */
class Gate {
  private waiting: { entered: () => void; release: Promise<void> } | undefined;
  private open: (() => void) | undefined;

  /** Arms the gate; resolves once the next push transaction is inside it. */
  arm(): Promise<void> {
    return new Promise<void>((entered) => {
      this.waiting = { entered, release: new Promise<void>((resolve) => (this.open = resolve)) };
    });
  }
  release(): void {
    this.open?.();
  }
  async hook(_info: PushTransactionInfo): Promise<void> {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    w.entered();
    await w.release;
  }
}

/** Whether `p` has settled (a few turns of the event loop, so a queued push could get its turn). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await sleep(30);
  return done;
}

for (const kind of backendKinds) {
  describe(`compaction races [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    const gate = new Gate();
    let jitter = false;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({
        backend: db.options({
          max: 16,
          hooks: {
            beforeCommit: async (info) => {
              await gate.hook(info);
              if (jitter) await sleep(Math.random() * 8);
            },
          },
        }),
      });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it('a late action pushed while its entity is snapshotted waits for the snapshot, then is never covered', async () => {
      const s = await compactionSpace(server);
      const other = s.device();
      const e = uuidv7();
      await s.push([s.edit(e), s.edit(e), s.edit(e)]); // the maker has pulled 1..3
      const inside = gate.arm();
      const snapshot = s.push([s.snapshot(e, 3)]);
      await inside;
      const late = other.edit(e);
      const lateDone = other.push([late]);
      // Held behind the snapshot's transaction (a correct store keeps it waiting however long).
      expect(await settled(lateDone)).toBe(false);
      gate.release();
      await Promise.all([snapshot, lateDone]);
      expect(s.seqOf(late.id)).toBe(5);
      expect(await s.servedAfter(0)).toEqual([4, 5]);
    });

    it('a snapshot pushed while a late action of its entity commits covers only up to its basis', async () => {
      const s = await compactionSpace(server);
      const other = s.device();
      const e = uuidv7();
      await s.push([s.edit(e), s.edit(e)]); // the maker has pulled 1..2
      const inside = gate.arm();
      const late = other.edit(e);
      const lateDone = other.push([late]); // seq 3, held open
      await inside;
      const snapshot = s.push([s.snapshot(e, 2)]);
      expect(await settled(snapshot)).toBe(false);
      gate.release();
      await Promise.all([snapshot, lateDone]);
      expect(await s.servedAfter(0)).toEqual([3, 4]);
      expect((await s.api.pullAll()).map((a) => a.id)[0]).toBe(late.id);
    });

    it('devices editing and snapshotting at once, pullers reading meanwhile: nothing lost, covered rows never served at rest', async () => {
      const s = await compactionSpace(server);
      const entities = [uuidv7(), uuidv7(), uuidv7()];
      let pushing = true;
      jitter = true;
      // Pullers start once some snapshots are in, so they meet covered rows (and others get covered
      // while they read).
      let halfway!: () => void;
      const started = new Promise<void>((resolve) => (halfway = resolve));

      const writer = async (d: number) => {
        const device = s.device();
        let cursor = 0;
        for (let round = 0; round < 8; round++) {
          if (d === 0 && round === 4) halfway();
          const e = entities[(d + round) % entities.length]!;
          if ((d + round) % 3 === 2) {
            // A snapshot from what this device has pulled: its basis is its cursor.
            cursor = (await s.api.pull(cursor, 1_000)).cursor;
            await device.push([device.snapshot(e, cursor)]);
          } else {
            await device.push([device.edit(e), device.edit(entities[round % entities.length]!)]);
          }
        }
      };
      const puller = async () => {
        const seen: SequencedAction[] = [];
        let cursor = 0;
        await started;
        for (;;) {
          const done = !pushing;
          const page = await s.api.pull(cursor, 2);
          for (const a of page.actions) {
            expect(a.seq).toBeGreaterThan(seen.at(-1)?.seq ?? 0);
            seen.push(a);
          }
          expect(page.cursor).toBeGreaterThanOrEqual(cursor);
          cursor = page.cursor;
          if (done && !page.hasMore) return { seen, cursor, head: page.head };
          // Slow readers, so that some rows are covered before they get to them.
          await sleep(Math.random() * 10);
        }
      };

      try {
        const writers = Promise.all([0, 1, 2, 3].map(writer)).finally(() => (pushing = false));
        const [, results] = await Promise.all([writers, Promise.all([0, 1, 2].map(puller))]);

        const head = (await s.api.pull(0, 1)).head;
        expect(s.pushed.map((p) => p.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
        const expected = uncovered(s.pushed);
        expect(await s.servedAfter(0)).toEqual(expected);
        for (const r of results) {
          expect(r.cursor).toBe(head);
          const received = new Set(r.seen.map((a) => a.seq));
          // Every row it never received is in a snapshot it did receive.
          const missing = s.pushed.filter((p) => !received.has(p.seq));
          for (const m of missing) expect(coveredByOneOf(m, r.seen), `seq ${m.seq} is lost to a puller`).toBe(true);
          for (const seq of expected) expect(received.has(seq)).toBe(true);
        }
      } finally {
        jitter = false;
      }
    });
  });
}

function coveredByOneOf(row: Pushed, received: readonly SequencedAction[]): boolean {
  return received.some(
    (a) => a.type === 'snapshot' && a.entityId === row.action.entityId && a.collection === row.action.collection && (a.basis ?? 0) >= row.seq,
  );
}
