// The one-statement push (postgresFastPush.ts) is taken by a device this store has seen bound to its
// user; these pushes go through it, against the store directly, with the races that statement has
// to settle by itself: the same batch twice at once, many devices of one space at once, and what
// must refuse it (an ended token, a full quota, a duplicate). Each must end as the locked
// transaction would: one copy stored, seqs gap-free, refusals writing nothing.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '../../../../src/server/store/postgres/postgresStore';
import { backendKinds, createTestDatabase, type TestDatabase } from '../../backends';
import { makeActions } from '../../helpers';
import { boundDevice } from './boundDevice';

describe.runIf(backendKinds.includes('postgres'))('the one-statement push on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresStore;
  /** A store whose push holds its transaction open while `holding` is set, so others queue behind it. */
  let held: PostgresStore;
  let holding: Promise<void> | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = db.options();
    if (options.kind !== 'postgres') throw new Error('postgres expected');
    store = await openPostgresStore({ url: options.url, max: 12, lockTimeoutMs: 5_000, statementTimeoutMs: 30_000 });
    held = await openPostgresStore({
      url: options.url,
      max: 12,
      hooks: {
        beforeCommit: async () => {
          const wait = holding;
          holding = undefined;
          await wait;
        },
      },
    });
  });
  afterAll(async () => {
    await held?.close();
    await store?.close();
    await db?.drop();
  });

  const device = (maxStoredBytes?: number, on: PostgresStore = store) => boundDevice([on], { maxStoredBytes });

  it('stores the same batch sent twice at once once, answering the other as duplicates', async () => {
    const d = await device();
    const batch = makeActions(d.clientId, 3);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.push(d.input(batch))));
    const ids = batch.map((a) => a.id).sort();
    expect(outcomes.filter((o) => o.ok && o.accepted.length === 3)).toHaveLength(1);
    for (const o of outcomes) {
      expect(o.ok).toBe(true);
      if (o.ok) expect([...o.accepted, ...o.duplicates].sort()).toEqual(ids);
    }
    const page = await store.pull(d.spaceId, 0, 100);
    expect(page.actions.map((a) => a.seq)).toEqual([1, 2, 3, 4]);
    expect(page.head).toBe(4);
  });

  it('stores a batch once when its copies wait for the lock while the first commits (the primary key settles it)', async () => {
    const d = await device(undefined, held);
    const batch = makeActions(d.clientId, 2);
    // The first copy commits only after the others have read their snapshot and wait for its lock.
    holding = new Promise((r) => setTimeout(r, 300));
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => held.push(d.input(batch))));
    expect(outcomes.filter((o) => o.ok && o.accepted.length === 2)).toHaveLength(1);
    expect(outcomes.filter((o) => o.ok && o.duplicates.length === 2)).toHaveLength(3);
    expect((await held.pull(d.spaceId, 0, 100)).actions.map((a) => a.seq)).toEqual([1, 2, 3]);
  });

  it('gives the pushes of many devices of one space contiguous seqs, each batch in order', async () => {
    const d = await device();
    const batches = Array.from({ length: 12 }, (_, i) => makeActions(d.clientId, 1 + (i % 4)));
    const outcomes = await Promise.all(batches.map((b) => store.push(d.input(b))));
    const heads = outcomes.map((o) => (o.ok ? o.head : -1)).sort((a, b) => a - b);
    const total = 1 + batches.reduce((n, b) => n + b.length, 0);
    expect(heads.at(-1)).toBe(total);
    const page = await store.pull(d.spaceId, 0, 1_000);
    expect(page.actions.map((a) => a.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const [i, b] of batches.entries()) {
      const o = outcomes[i]!;
      if (!o.ok) throw new Error('refused');
      const seqs = b.map((a) => page.actions.find((x) => x.id === a.id)!.seq);
      expect(seqs).toEqual(Array.from({ length: b.length }, (_, k) => o.head - b.length + 1 + k));
    }
  });

  it('refuses a push whose token ended, and one past the quota, storing nothing', async () => {
    const d = await device();
    await store.deleteToken(d.tokenHash);
    expect(await store.push(d.input(makeActions(d.clientId, 2)))).toEqual({ ok: false, reason: 'unauthorized' });
    const small = await device(1_000);
    expect(await store.push(small.input(makeActions(small.clientId, 5)))).toMatchObject({ ok: false, reason: 'storage_full' });
    expect((await store.pull(d.spaceId, 0, 100)).head).toBe(1);
    expect((await store.pull(small.spaceId, 0, 100)).head).toBe(1);
  });

  it('answers a batch partly stored already with its new actions accepted and the rest duplicates', async () => {
    const d = await device();
    const [a, b] = [makeActions(d.clientId, 2), makeActions(d.clientId, 2)];
    await store.push(d.input(a));
    const mixed = await store.push(d.input([...a, ...b]));
    expect(mixed).toEqual({ ok: true, accepted: b.map((x) => x.id), duplicates: a.map((x) => x.id), head: 5 });
  });
});
