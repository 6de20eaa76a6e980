// Group commit of the one-statement push (postgresGroupPush.ts), against the store on a real
// PostgreSQL: pushes sent at once share transactions (rows inserted by one transaction share its
// xmin), yet each push gets exactly the answer it gets alone: its own seqs, gap-free, in arrival
// order within a space; a push that cannot go in (a batch already stored, an ended token, a full
// quota, a duplicate that commits elsewhere while the group waits) fails or goes the long way
// alone while the others commit.

import { uuidv7 } from 'uuidv7';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../../src/sync/action';
import { openPostgresStore, type PostgresStore } from '../../../../src/server/store/postgres/postgresStore';
import { toRow } from '../../../../src/server/store/rows';
import type { PushInput, PushOutcome } from '../../../../src/server/store/types';
import { backendKinds, createTestDatabase, type TestDatabase } from '../../backends';
import { makeAction, makeActions, makeSnapshot } from '../../helpers';
import { boundDevice } from './boundDevice';

describe.runIf(backendKinds.includes('postgres'))('group commit of pushes on PostgreSQL', () => {
  let db: TestDatabase;
  let url: string;
  let store: PostgresStore;
  let other: PostgresStore;
  let raw: postgres.Sql;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = db.options();
    if (options.kind !== 'postgres') throw new Error('postgres expected');
    url = options.url;
    store = await openPostgresStore({ url, max: 12, lockTimeoutMs: 10_000, statementTimeoutMs: 30_000 });
    // A second server instance on the same database.
    other = await openPostgresStore({ url, max: 12, lockTimeoutMs: 10_000, statementTimeoutMs: 30_000 });
    raw = postgres(url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await raw?.end();
    await other?.close();
    await store?.close();
    await db?.drop();
  });

  /** A device bound on `on` (this instance by default). */
  const device = (opts: { maxStoredBytes?: number; on?: readonly [PostgresStore, ...PostgresStore[]] } = {}) =>
    boundDevice(opts.on ?? [store], { maxStoredBytes: opts.maxStoredBytes });

  type Device = Awaited<ReturnType<typeof device>>;

  /** The rows of these spaces: seq and the transaction that inserted each (xmin). */
  async function rowsOf(spaceIds: readonly string[]) {
    return raw<{ space_id: string; id: string; seq: string; xid: string }[]>`
      SELECT space_id, id, seq, xmin::text AS xid FROM actions WHERE space_id IN ${raw(spaceIds)} ORDER BY space_id, seq`;
  }

  function accepted(o: PushOutcome): { accepted: string[]; duplicates: string[]; head: number } {
    if (!o.ok) throw new Error(`refused: ${o.reason}`);
    return o;
  }

  /** Every space's seqs are 1..head, and each push's actions have seqs head-n+1..head in its order. */
  async function expectOwnSeqs(pushes: readonly { d: Device; actions: readonly Action[]; outcome: PushOutcome }[]) {
    const rows = await rowsOf([...new Set(pushes.map((p) => p.d.spaceId))]);
    for (const spaceId of new Set(pushes.map((p) => p.d.spaceId))) {
      const seqs = rows.filter((r) => r.space_id === spaceId).map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect((await store.pull(spaceId, 0, 1)).head).toBe(seqs.length);
    }
    for (const p of pushes) {
      const o = accepted(p.outcome);
      const seqs = p.actions.map((a) => Number(rows.find((r) => r.id === a.id)!.seq));
      expect(seqs).toEqual(p.actions.map((_, k) => o.head - p.actions.length + 1 + k));
    }
    return rows;
  }

  it('commits pushes sent at once to many spaces in fewer transactions, each with its own seqs', async () => {
    const devices = await Promise.all(Array.from({ length: 16 }, () => device()));
    const pushes = devices.map((d, i) => ({ d, actions: makeActions(d.clientId, 1 + (i % 3)) }));
    const outcomes = await Promise.all(pushes.map((p) => store.push(p.d.input(p.actions))));
    const rows = await expectOwnSeqs(pushes.map((p, i) => ({ ...p, outcome: outcomes[i]! })));
    for (const [i, p] of pushes.entries()) expect(accepted(outcomes[i]!).accepted).toEqual(p.actions.map((a) => a.id));
    const ids = new Set(pushes.flatMap((p) => p.actions.map((a) => a.id)));
    const transactions = new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.xid));
    // Alone, each push is a transaction of its own (16).
    expect(transactions.size).toBeLessThanOrEqual(4);
  });

  it('keeps the arrival order of pushes to one space sent at once, in one transaction', async () => {
    const d = await device();
    const batches = Array.from({ length: 10 }, (_, i) => makeActions(d.clientId, 1 + (i % 4)));
    const outcomes = await Promise.all(batches.map((b) => store.push(d.input(b))));
    const rows = await expectOwnSeqs(batches.map((actions, i) => ({ d, actions, outcome: outcomes[i]! })));
    // Arrival order: each push's head is the previous one's plus its own count.
    let head = 1;
    for (const [i, b] of batches.entries()) expect(accepted(outcomes[i]!).head).toBe((head += b.length));
    expect(new Set(rows.filter((r) => Number(r.seq) > 1).map((r) => r.xid)).size).toBeLessThanOrEqual(2);
  });

  it('answers a batch already stored, an ended token and a full quota alone while the rest of the group commits', async () => {
    const good = await Promise.all(Array.from({ length: 6 }, () => device()));
    const retried = await device();
    const stored = makeActions(retried.clientId, 2);
    accepted(await store.push(retried.input(stored)));
    const ended = await device();
    const full = await device({ maxStoredBytes: 1_500 });
    await store.deleteToken(ended.tokenHash);

    const pushes = good.map((d) => ({ d, actions: makeActions(d.clientId, 2) }));
    const [outcomes, again, unauthorized, storageFull] = await Promise.all([
      Promise.all(pushes.map((p) => store.push(p.d.input(p.actions)))),
      store.push(retried.input(stored)),
      store.push(ended.input(makeActions(ended.clientId, 1))),
      store.push(full.input(makeActions(full.clientId, 8))),
    ]);
    expect(again).toEqual({ ok: true, accepted: [], duplicates: stored.map((a) => a.id), head: 3 });
    expect(unauthorized).toEqual({ ok: false, reason: 'unauthorized' });
    expect(storageFull).toMatchObject({ ok: false, reason: 'storage_full' });
    const rows = await expectOwnSeqs(pushes.map((p, i) => ({ ...p, outcome: outcomes[i]! })));
    const ids = new Set(pushes.flatMap((p) => p.actions.map((a) => a.id)));
    expect(new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.xid)).size).toBeLessThan(pushes.length);
    const others = await rowsOf([retried.spaceId, ended.spaceId, full.spaceId]);
    expect(others.map((r) => Number(r.seq)).sort()).toEqual([1, 1, 1, 2, 3]);
  });

  /**
   * Another writer stores `action` in the space of `d` as a push does (head and row together) and
   * keeps its transaction open until commit() is called; blocked() resolves once some statement
   * waits for its lock.
   */
  async function otherWriter(d: Device, action: Action) {
    let commit!: () => void;
    const mayCommit = new Promise<void>((r) => (commit = r));
    let locked!: (pid: number) => void;
    const hasLock = new Promise<number>((r) => (locked = r));
    const done = raw.begin(async (tx) => {
      const [{ pid }] = await tx<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
      await tx`UPDATE spaces SET head = head + 1 WHERE id = ${d.spaceId}`;
      await tx`INSERT INTO actions ${tx(toRow(action, d.spaceId, 2, d.userId, Date.now()))}`;
      locked(pid);
      await mayCommit;
    });
    const pid = await hasLock;
    const blocked = async () => {
      for (let waited = 0; ; waited += 10) {
        const [{ n }] = await raw<[{ n: number }]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${pid}::int = ANY (pg_blocking_pids(pid))`;
        if (n > 0) return;
        if (waited > 10_000) throw new Error('nothing waited for the writer');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    return { commit: async () => (commit(), await done), blocked };
  }

  it('runs each push alone when one statement of its group fails, so only that push goes the long way', async () => {
    const [held, ...rest] = await Promise.all(Array.from({ length: 6 }, () => device()));
    const racing = makeActions(held!.clientId, 1);
    const next = makeActions(held!.clientId, 1);
    // Two pushes to held's space make the group a transaction of two statements, which waits for
    // the writer's lock with a snapshot from before its commit: the primary key refuses the insert
    // of the action the writer stored, failing the group.
    const writer = await otherWriter(held!, racing[0]!);
    const pushes = rest.map((d) => ({ d, actions: makeActions(d.clientId, 2) }));
    const all = Promise.all([store.push(held!.input(racing)), store.push(held!.input(next)), ...pushes.map((p) => store.push(p.d.input(p.actions)))]);
    await writer.blocked();
    await writer.commit();
    const [heldOutcome, nextOutcome, ...outcomes] = await all;
    expect(heldOutcome).toMatchObject({ ok: true, accepted: [], duplicates: racing.map((a) => a.id) });
    expect(nextOutcome).toEqual({ ok: true, accepted: next.map((a) => a.id), duplicates: [], head: 3 });
    const rows = await expectOwnSeqs(pushes.map((p, i) => ({ ...p, outcome: outcomes[i]! })));
    expect((await rowsOf([held!.spaceId])).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    // The others committed alone, after the group rolled back.
    const ids = new Set(pushes.flatMap((p) => p.actions.map((a) => a.id)));
    expect(new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.xid)).size).toBe(pushes.length);
  });

  it('commits the rest of a group while one of its spaces is locked elsewhere; that push waits alone', async () => {
    const [busy, ...rest] = await Promise.all(Array.from({ length: 6 }, () => device()));
    const writer = await otherWriter(busy!, makeAction(busy!.clientId));
    const mine = makeActions(busy!.clientId, 1);
    const pushes = rest.map((d) => ({ d, actions: makeActions(d.clientId, 2) }));
    const waiting = store.push(busy!.input(mine));
    const outcomes = await Promise.all(pushes.map((p) => store.push(p.d.input(p.actions))));
    // Committed, in one transaction, while the writer still holds the busy space.
    const rows = await expectOwnSeqs(pushes.map((p, i) => ({ ...p, outcome: outcomes[i]! })));
    const ids = new Set(pushes.flatMap((p) => p.actions.map((a) => a.id)));
    expect(new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.xid)).size).toBe(1);
    await writer.blocked();
    await writer.commit();
    expect(await waiting).toEqual({ ok: true, accepted: mine.map((a) => a.id), duplicates: [], head: 3 });
    expect((await rowsOf([busy!.spaceId])).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
  });

  it('deletes the rows past retention of a space whose push was in a group, after its commit', async () => {
    const d = await device();
    const others = await Promise.all(Array.from({ length: 3 }, () => device()));
    const entityId = uuidv7();
    accepted(await store.push(d.input([makeAction(d.clientId, { entityId }), makeAction(d.clientId, { entityId })])));
    // Seqs 2 and 3 covered by the snapshot (a push of its own, the long way), kept for retention.
    accepted(await store.push(d.input([makeSnapshot(d.clientId, entityId, 3)])));
    expect(await store.storedRows(d.spaceId)).toEqual({ live: 2, covered: 2 });
    const later = (input: PushInput): PushInput => ({ ...input, receivedAt: input.receivedAt + 10, retentionMs: 5 });
    const pushes = [d, ...others].map((x) => ({ d: x, actions: makeActions(x.clientId, 1) }));
    const outcomes = await Promise.all(pushes.map((p) => store.push(later(p.d.input(p.actions)))));
    expect(accepted(outcomes[0]!).head).toBe(5);
    expect(await store.storedRows(d.spaceId)).toEqual({ live: 3, covered: 0 });
    const rows = await rowsOf(pushes.map((p) => p.d.spaceId));
    const ids = new Set(pushes.flatMap((p) => p.actions.map((a) => a.id)));
    expect(new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.xid)).size).toBe(1);
  });

  it('lets two instances group pushes to the same spaces at once without deadlock or gap', async () => {
    const devices = await Promise.all(Array.from({ length: 8 }, () => device({ on: [store, other] })));
    const pushes: { d: Device; actions: Action[]; outcome: Promise<PushOutcome> }[] = [];
    const started = Date.now();
    for (let round = 0; round < 10; round++) {
      // Each instance sends to every space, in an order of its own.
      for (const s of [store, other]) {
        const order = [...devices].sort(() => Math.random() - 0.5);
        for (const d of order) {
          const actions = makeActions(d.clientId, 1 + (round % 2));
          pushes.push({ d, actions, outcome: s.push(d.input(actions)) });
        }
      }
      await Promise.all(pushes.map((p) => p.outcome));
    }
    // A deadlock costs PostgreSQL's deadlock_timeout (1 s) before it breaks one.
    expect(Date.now() - started).toBeLessThan(8_000);
    await expectOwnSeqs(await Promise.all(pushes.map(async (p) => ({ ...p, outcome: await p.outcome }))));
  });
});
