// The covered-rows sweep (sweep.ts, deleteCovered) and the purge after a one-statement push
// (postgresFastPush.ts purgeAfter) against pushes on a real PostgreSQL: each must take its locks in
// the pushes' order (the spaces' rows in id order, and a space's action rows only under its space's
// lock), or a push that holds a space while the other waits for it deadlocks with it. Each test
// holds space A the way a push does, lets the other side start and wait for A, then makes the
// push's next move; with the other side in the wrong order PostgreSQL reports a deadlock (40P01) to
// one of them after deadlock_timeout, set short here so a failure is quick.

import { uuidv7 } from 'uuidv7';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../src/server/store/compaction';
import { coverInPush } from '../../../../src/server/store/postgres/postgresCompaction';
import { purgeAfter } from '../../../../src/server/store/postgres/postgresFastPush';
import { openPostgresStore, type PostgresStore } from '../../../../src/server/store/postgres/postgresStore';
import { ROW_OVERHEAD_BYTES, rowBytes, STORED_BYTES_SQL, toRow } from '../../../../src/server/store/rows';
import type { PushInput } from '../../../../src/server/store/types';
import { backendKinds, createTestDatabase, type TestDatabase } from '../../backends';
import { makeActions } from '../../helpers';

const SWEEPER = 'covered-sweep-under-test';
const PURGER = 'purge-after-push-under-test';
/** Rows covered at this time are past any retention window the tests use. */
const LONG_AGO = 1_000;

/** The test database's URL with these session settings (postgres.js sends unknown parameters at startup). */
function withSettings(url: string, settings: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(settings)) u.searchParams.set(k, v);
  return u.toString();
}

describe.runIf(backendKinds.includes('postgres'))('deleting covered rows on PostgreSQL takes locks in push order', () => {
  let db: TestDatabase;
  let sweeper: PostgresStore;
  /** Connections for the purge after a push, as the push pool lends them. */
  let purger: postgres.Sql;
  let raw: postgres.Sql;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = db.options();
    if (options.kind !== 'postgres') throw new Error('postgres expected');
    sweeper = await openPostgresStore({ url: withSettings(options.url, { application_name: SWEEPER, deadlock_timeout: '100ms' }) });
    purger = postgres(withSettings(options.url, { application_name: PURGER, deadlock_timeout: '100ms' }), { max: 1, onnotice: () => {} });
    raw = postgres(withSettings(options.url, { deadlock_timeout: '100ms' }), { max: 4, onnotice: () => {} });
  });
  afterAll(async () => {
    await raw?.end();
    await purger?.end();
    await sweeper?.close();
    await db?.drop();
  });

  /**
   * Spaces A < B (by id), each with `covered` rows past retention and one live row, and stored_bytes
   * that count them all. B's space row is written first, so a statement that scans spaces in
   * physical order meets B before A.
   */
  async function seed(covered: number): Promise<{ a: string; b: string }> {
    const [a, b] = [uuidv7(), uuidv7()].sort() as [string, string];
    for (const spaceId of [b, a]) {
      const clientId = uuidv7();
      const rows = makeActions(clientId, covered + 1).map((action, i) => ({
        ...toRow(action, spaceId, i + 1, 'user', Date.now()),
        covered_at: i < covered ? LONG_AGO : null,
      }));
      await raw`INSERT INTO spaces (id, head, created_at, stored_bytes)
                VALUES (${spaceId}, ${rows.length}, ${Date.now()}, ${rows.reduce((sum, r) => sum + rowBytes(r), 0)})`;
      await raw`INSERT INTO actions ${raw(rows)}`;
    }
    return { a, b };
  }

  /** Per space: stored_bytes, what its rows still stored weigh, and how many covered rows are left. */
  async function accounts(spaceIds: readonly string[]) {
    const rows = await raw<{ id: string; stored: string; weigh: string; covered: string }[]>`
      SELECT s.id, s.stored_bytes AS stored,
             (SELECT coalesce(sum(${raw.unsafe(STORED_BYTES_SQL.postgres)} + ${ROW_OVERHEAD_BYTES}), 0) FROM actions WHERE space_id = s.id) AS weigh,
             (SELECT count(*) FROM actions WHERE space_id = s.id AND covered_at IS NOT NULL) AS covered
      FROM spaces s WHERE s.id IN ${raw(spaceIds)} ORDER BY s.id`;
    return rows.map((r) => ({ id: r.id, stored: Number(r.stored), weigh: Number(r.weigh), covered: Number(r.covered) }));
  }

  /** Resolves once a connection named `app` waits for a lock that `pid` holds. */
  async function waitsFor(app: string, pid: number): Promise<void> {
    for (let waited = 0; ; waited += 10) {
      const [{ n }] = await raw<[{ n: number }]>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE application_name = ${app} AND wait_event_type = 'Lock' AND ${pid}::int = ANY (pg_blocking_pids(pid))`;
      if (n > 0) return;
      if (waited > 10_000) throw new Error(`${app} never waited for the push`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * A push's transaction on its own connection: BEGIN and space A locked in `mode` (postgresPush.ts:
   * FOR UPDATE; a group, postgresGroupPush.ts: FOR NO KEY UPDATE); then `other` is started on the
   * connections named `app` and has waited for it; then `next` runs in the transaction and it
   * commits. Answers what `other` answered.
   */
  async function pushAgainst<T>(
    a: string,
    mode: 'UPDATE' | 'NO KEY UPDATE',
    app: string,
    other: () => Promise<T>,
    next: (tx: postgres.ReservedSql) => Promise<unknown>,
  ): Promise<T> {
    const tx = await raw.reserve();
    try {
      await tx`BEGIN`;
      const [{ pid }] = await tx<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`;
      await tx`SELECT head, stored_bytes FROM spaces WHERE id = ${a} FOR ${tx.unsafe(mode)}`;
      const running = other();
      running.catch(() => undefined); // awaited below, after the push's outcome
      await waitsFor(app, pid);
      await next(tx);
      await tx`COMMIT`;
      return await running;
    } finally {
      await tx`ROLLBACK`.catch(() => undefined);
      tx.release();
    }
  }

  const sweep = () => sweeper.deleteCovered(LONG_AGO, 1_000);

  /** The long push's own purge of A's expired rows (postgresPush.ts sends it with its writes). */
  const purgeInPush = (a: string) => (tx: postgres.ReservedSql) => Promise.all(coverInPush(tx, a, [], Date.now(), DAY_MS));

  /** Every space's stored_bytes is what its rows weigh, and no covered row is left. */
  async function expectExact(spaceIds: readonly string[]) {
    for (const s of await accounts(spaceIds)) expect({ stored: s.stored, covered: s.covered }).toEqual({ stored: s.weigh, covered: 0 });
  }

  it("waits for a push that holds its space before touching that space's rows, which the push purges meanwhile", async () => {
    const { a, b } = await seed(3);
    expect(await pushAgainst(a, 'UPDATE', SWEEPER, sweep, purgeInPush(a))).toBe(3); // B's; the push purged A's
    await expectExact([a, b]);
  });

  it('waits for a group that holds space A before locking B, which the group locks next', async () => {
    const { a, b } = await seed(3);
    // A group of pushes to A and B locks A, then B (postgresGroupPush.ts: ORDER BY id FOR NO KEY UPDATE).
    expect(await pushAgainst(a, 'NO KEY UPDATE', SWEEPER, sweep, (tx) => tx`SELECT id FROM spaces WHERE id = ${b} FOR NO KEY UPDATE`)).toBe(6);
    await expectExact([a, b]);
  });

  it('the purge after a one-statement push waits for a push that holds its space, which purges it meanwhile', async () => {
    const { a } = await seed(3);
    const input: PushInput = { spaceId: a, userId: 'user', clientId: uuidv7(), actions: [], receivedAt: Date.now(), retentionMs: DAY_MS };
    const purge = async () => {
      const tx = await purger.reserve();
      try {
        await purgeAfter(tx, input, true);
      } finally {
        tx.release();
      }
    };
    await pushAgainst(a, 'UPDATE', PURGER, purge, purgeInPush(a));
    await expectExact([a]);
  });
});
