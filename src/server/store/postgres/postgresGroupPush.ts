// Group commit of the common push (postgresFastPush.ts), per server instance. The server, the
// database and their clients share a machine's cores, and a push sent alone costs a round trip of
// its own (a socket write and a wakeup on both sides, a backend woken, a statement parsed, bound and
// run) and a commit of its own. Pushes that arrive while a group is in flight wait and go together
// in the next: one statement for all of them when their spaces differ (groupStatement), several in
// one transaction when a space has more than one, sent at once; so one round trip and one commit
// carry the lot.
//
// Invariants:
// - Each push in a group is checked and written as fastPush's statement does it alone (the
//   arguments of postgresFastPush.ts hold for each: head, quota, duplicates, token); a later push
//   to the same space in the group runs in a later statement of the same transaction, which reads
//   the head and rows the earlier one wrote, exactly as if that one had committed just before.
// - A push is answered only after the COMMIT that holds it: acknowledged means durable, and the
//   head it answers is committed (seq stays gap-free and commit-ordered).
// - Order: a group is sorted by space id, stably, so pushes of one space keep the order they
//   arrived in, and its first statement locks every space row of the group in id order (the
//   database's: ORDER BY id) before writing any. Groups of this instance or another therefore take
//   space locks in one order, and so do the other transactions that lock space rows (the long push
//   and account deletion lock one, the sweep locks its spaces in id order before deleting their
//   rows, postgresCompaction.ts): they cannot deadlock on them.
// - Failures stay with their push: when a statement of a group fails, PostgreSQL rolled back the
//   whole group (a statement is atomic; in a transaction the later statements fail too and COMMIT
//   answers ROLLBACK), so nothing of it was written, and each push runs again alone (fastPush, as
//   before the groups), where its own duplicate, timeout or error reaches its own answer only. A
//   push that writes nothing (ended token, full quota, a batch already stored, a deleted space) is
//   no failure: it answers null, and its caller takes the long way after the group, as alone.
// - When the outcome is unknown (the connection broke before the answer to the statement or the
//   COMMIT came), every push of the group fails with that error, as a lone push would; a retry is
//   idempotent.
// - A busy space holds up only its own pushes when the group is one statement: the spaces another
//   transaction has locked are skipped (SKIP LOCKED), and their pushes go the long way alone, which
//   waits for the lock as before. A group of several statements (a space with several pushes in
//   it) waits for the locks it needs, up to lock_timeout, and then runs each push alone.
// - A group of one is the push alone: fastPush, as before.
// - One group in flight at a time by default (1 measured ahead of 2 and 4: more groups in flight
//   split the waiting pushes into smaller groups), each of at most MAX_GROUP pushes.

import postgres from 'postgres';
import { expiredBefore, retentionOf } from '../compaction';
import { fastPush, freshRows, onConnection, purgeAfter, ROW_COLUMNS } from './postgresFastPush';
import type { PushInput, StoreHooks } from '../types';

/** Most pushes one group takes; the rest wait for the next (a group holds its rows' locks until its COMMIT). */
export const MAX_GROUP = 64;

/** Groups in flight at once by default. */
export const GROUPS_IN_FLIGHT = 1;

export type FastResult = { readonly head: number } | null;

interface Member {
  readonly input: PushInput;
  readonly resolve: (result: FastResult) => void;
  readonly reject: (error: unknown) => void;
}

/** A push the group stored: its new head, and whether its space has rows past retention. */
type Stored = { readonly head: number; readonly expired: boolean } | null;

/** What came of a group: each member's rows committed (or not written), rolled back, or unknown. */
type GroupEnd = { readonly committed: readonly Stored[] } | { readonly rolledBack: true } | { readonly unknown: unknown };

/** A push as the group statement reads it (json_to_recordset). */
const PUSH_COLUMNS = 'k integer, space_id text, user_id text, received_at bigint, n integer, bytes bigint, quota bigint, token text, expired bigint';

type GroupRow = { k: number; head: string; expired: boolean; stored: string };

/**
 * One statement for pushes to distinct spaces, each doing what fastPush's statement does for one
 * (see postgresFastPush.ts): the spaces' rows locked in id order first (`locked`: FOR NO KEY UPDATE
 * above the sort, so one at a time in that order; with `skipLocked`, the ones another transaction
 * holds are left out, and so are their pushes), then each space's head, quota, token and duplicate
 * check in the UPDATE, which re-reads a row's latest version after waiting as the lone statement
 * does, and the rows of each push that moved its head. A row per push stored: k, its new head.
 */
function groupStatement(sql: postgres.Sql, inputs: readonly PushInput[], skipLocked: boolean): postgres.PendingQuery<GroupRow[]> {
  const pushes: unknown[] = [];
  const rows: unknown[] = [];
  for (const [k, input] of inputs.entries()) {
    const fresh = freshRows(input);
    for (const r of fresh.rows) rows.push({ ...r, k });
    pushes.push({
      k,
      space_id: input.spaceId,
      user_id: input.userId,
      received_at: input.receivedAt,
      n: fresh.rows.length,
      bytes: fresh.bytes,
      quota: input.maxStoredBytes ?? Number.MAX_SAFE_INTEGER,
      token: input.tokenHash ?? null,
      expired: expiredBefore(input.receivedAt, retentionOf(input)),
    });
  }
  return sql<GroupRow[]>`
    WITH p AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${JSON.stringify(pushes)}::text::json) AS p(${sql.unsafe(PUSH_COLUMNS)})
    ), v AS MATERIALIZED (
      SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::text::json) AS v(k integer, ${sql.unsafe(ROW_COLUMNS)})
    ), locked AS MATERIALIZED (
      SELECT id FROM spaces WHERE id IN (SELECT space_id FROM p) ORDER BY id FOR NO KEY UPDATE ${sql.unsafe(skipLocked ? 'SKIP LOCKED' : '')}
    ), moved AS (
      UPDATE spaces s SET head = s.head + p.n, stored_bytes = s.stored_bytes + p.bytes
      FROM p, locked l
      WHERE s.id = p.space_id AND l.id = p.space_id AND s.stored_bytes + p.bytes <= p.quota
        AND (p.token IS NULL OR EXISTS (SELECT 1 FROM tokens t WHERE t.hash = p.token AND t.expires_at > p.received_at))
        AND NOT EXISTS (SELECT 1 FROM v JOIN actions a ON a.space_id = p.space_id AND a.id = v.id WHERE v.k = p.k)
      RETURNING p.k, p.n, s.head, EXISTS (
        SELECT 1 FROM actions a WHERE a.space_id = s.id AND a.covered_at IS NOT NULL AND a.covered_at <= p.expired
      ) AS expired
    ), ins AS (
      INSERT INTO actions (space_id, id, seq, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state, user_id, received_at)
      SELECT p.space_id, v.id, m.head - m.n + v.ord, v.collection, v.entity_id, v.type, v.payload, v.hlc, v.client_id, v.base, v.edits, v.basis,
             v.state, p.user_id, p.received_at
      FROM moved m JOIN p ON p.k = m.k JOIN v ON v.k = m.k
      RETURNING space_id
    )
    SELECT m.k, m.head, m.expired, (SELECT count(*) FROM ins JOIN p ON p.space_id = ins.space_id WHERE p.k = m.k) AS stored
    FROM moved m`;
}

/**
 * The group's statements: the r-th push of every space in the r-th, so each statement has distinct
 * spaces and a space's pushes run in arrival order. `sorted` is in space id order; so is each.
 */
function rounds(sorted: readonly Member[]): Member[][] {
  const out: Member[][] = [];
  let r = 0;
  for (const [i, m] of sorted.entries()) {
    r = i > 0 && sorted[i - 1]!.input.spaceId === m.input.spaceId ? r + 1 : 0;
    (out[r] ??= []).push(m);
  }
  return out;
}

export class PushGroups {
  private waiting: Member[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    /** The push pool: connections outside any transaction, with the push timeouts. */
    private readonly sql: postgres.Sql,
    private readonly hooks: StoreHooks,
    private readonly inFlight = GROUPS_IN_FLIGHT,
  ) {}

  /** The push's new head once committed in a group, or null when its statement wrote nothing. */
  push(input: PushInput): Promise<FastResult> {
    return new Promise<FastResult>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.startSoon();
    });
  }

  /**
   * Starts groups once the event loop's pending I/O has run (setImmediate), so requests read in the
   * same turn share a group rather than the first going alone.
   */
  private startSoon(): void {
    if (this.scheduled || this.running >= this.inFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.running < this.inFlight && this.waiting.length > 0) {
        const group = this.waiting.splice(0, MAX_GROUP);
        this.running++;
        void this.run(group).finally(() => {
          this.running--;
          this.startSoon();
        });
      }
    });
  }

  private async run(group: readonly Member[]): Promise<void> {
    if (group.length === 1) return this.alone(group[0]!);
    // Array.prototype.sort is stable: pushes of one space stay in arrival order.
    const sorted = [...group].sort((a, b) => (a.input.spaceId < b.input.spaceId ? -1 : a.input.spaceId > b.input.spaceId ? 1 : 0));
    const statements = rounds(sorted);
    const members = statements.flat();
    let end: GroupEnd;
    try {
      end = await onConnection(this.sql, (tx) => this.transaction(tx, statements));
    } catch (e) {
      end = { unknown: e };
    }
    if ('unknown' in end) {
      for (const m of members) m.reject(end.unknown);
    } else if ('rolledBack' in end) {
      await Promise.all(members.map((m) => this.alone(m)));
    } else {
      const { committed } = end;
      await Promise.all(
        members.map(async (m, i) => {
          const stored = committed[i]!;
          try {
            if (stored?.expired === true) await onConnection(this.sql, (tx) => purgeAfter(tx, m.input, true));
            m.resolve(stored && { head: stored.head });
          } catch (e) {
            m.reject(e);
          }
        }),
      );
    }
  }

  /**
   * The group's statements, sent at once (postgres.js pipelines queries on one connection): one
   * alone when every push is to a different space (a statement is atomic by itself), else between
   * BEGIN and COMMIT. Answers each member's result in the order of `statements.flat()`.
   */
  private async transaction(tx: postgres.ReservedSql, statements: readonly Member[][]): Promise<GroupEnd> {
    // A group of one statement skips the spaces another transaction holds: their pushes answer null
    // and wait alone the long way, so one busy space does not hold up the pushes of all the others.
    // (With several statements, a later one might then store a space's second push before its
    // first, so they wait.)
    const queries = statements.map((ms) => groupStatement(tx, ms.map((m) => m.input), statements.length === 1));
    const { beforeCommit } = this.hooks;
    const single = queries.length === 1 && beforeCommit === undefined;
    const sent = single ? queries : [tx`BEGIN`, ...queries, ...(beforeCommit === undefined ? [tx`COMMIT`] : [])];
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const results = (single ? settled : settled.slice(1, 1 + queries.length)).flatMap((r) => (r.status === 'fulfilled' ? [r.value as GroupRow[]] : []));
    const stored = (): Stored[] =>
      statements.flatMap((ms, s) =>
        ms.map((m, k) => {
          const row = results[s]!.find((x) => x.k === k);
          return row && Number(row.stored) === m.input.actions.length ? { head: Number(row.head), expired: row.expired } : null;
        }),
      );
    if (beforeCommit === undefined) {
      const commit = settled.at(-1)!;
      if (single) return failed === undefined ? { committed: stored() } : failed.reason instanceof postgres.PostgresError ? { rolledBack: true } : { unknown: failed.reason };
      if (commit.status === 'rejected') return { unknown: commit.reason };
      // PostgreSQL answers COMMIT with ROLLBACK in a transaction a failed statement aborted.
      return (commit.value as { command: string }).command === 'COMMIT' ? { committed: stored() } : { rolledBack: true };
    }
    // Tests: the hook runs for each push that stored its rows, in order, before the one COMMIT.
    let ok = failed === undefined;
    const all = ok ? stored() : [];
    try {
      for (const [i, m] of statements.flat().entries()) {
        if (!ok) break;
        const s = all[i];
        const count = m.input.actions.length;
        if (s) await beforeCommit({ spaceId: m.input.spaceId, base: s.head - count, count });
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      await tx`ROLLBACK`;
      return { rolledBack: true };
    }
    await tx`COMMIT`;
    return { committed: all };
  }

  /** The push alone on a connection of its own, as before the groups. */
  private async alone(m: Member): Promise<void> {
    try {
      m.resolve(await onConnection(this.sql, (tx) => fastPush(tx, m.input, this.hooks)));
    } catch (e) {
      m.reject(e);
    }
  }
}
