// The common push on PostgreSQL as one statement, the way the bare limit commits (bench/sections/
// pushBare.ts): new actions from a device this instance has seen bound to its user, none a snapshot.
// No BEGIN, no COMMIT, no round trip while the space's row is locked; the purge of rows past
// retention only when the statement says the space has some.
//
// Why one statement is as correct as the locked transaction (postgresPush.ts):
// - The head: the UPDATE locks the space's row and, under READ COMMITTED, re-reads its last
//   committed version if it had to wait (EvalPlanQual), so seqs follow the latest head, and the rows
//   commit with it: seq stays gap-free and commit-ordered. The quota is in the UPDATE's WHERE, so it
//   is re-checked on that version too.
// - Duplicates: the NOT EXISTS reads the statement's snapshot, which may predate a push of the same
//   id that committed while this one waited; the primary key (space_id, id) then refuses the insert
//   (unique_violation), the statement rolls back whole, and the caller pushes again the long way.
// - The token: checked as of the statement's start; a session ended while the push waited for the
//   lock ended after the push began, and the next push sees it.
// When the rows did not go in (a retried batch, an ended session, a full quota, a deleted space)
// nothing was written, and the caller pushes again the long way, which says why.
//
// lock_timeout and statement_timeout are the connection's (the store's push pool), as a lone
// statement has no transaction to SET LOCAL them in.

import postgres from 'postgres';
import type { Action } from '../../../sync/action';
import { expiredBefore, retentionOf } from '../compaction';
import { purgeAlone } from './postgresCompaction';
import { rowBytes, toRow, type ActionRow } from '../rows';
import type { PushInput, StoreHooks } from '../types';

/** Whether `actions` may take the one-statement path: all distinct, none a snapshot. */
export function fastEligible(actions: readonly Action[]): boolean {
  if (actions.length === 0) return false;
  const ids = new Set<string>();
  for (const a of actions) {
    if (a.type === 'snapshot' || ids.has(a.id)) return false;
    ids.add(a.id);
  }
  return true;
}

/** The columns as json_to_recordset reads them (seq comes from the head). */
export const ROW_COLUMNS =
  'ord integer, id text, collection text, entity_id text, type text, payload text, hlc text, client_id text, base text, edits text, basis bigint, state text';

type Fresh = Omit<ActionRow, 'space_id' | 'seq' | 'user_id' | 'received_at'> & { ord: number };

/** The push's rows as the statement inserts them (ord: 1-based place in the batch), and their bytes. */
export function freshRows(input: PushInput): { rows: Fresh[]; bytes: number } {
  const { spaceId, userId, receivedAt, actions } = input;
  const rows: Fresh[] = [];
  let bytes = 0;
  for (const [i, a] of actions.entries()) {
    const { space_id: _s, seq: _q, user_id: _u, received_at: _r, ...row } = toRow(a, spaceId, 0, userId, receivedAt);
    bytes += rowBytes(row);
    rows.push({ ...row, ord: i + 1 });
  }
  return { rows, bytes };
}

/**
 * After the commit of a push that stored its rows: rows past retention, only when the space has
 * some (a statement per push otherwise costs as much as the push's own), deleted on their own, as
 * the sweep does, before the push is answered. `tx` is reserved and outside any transaction.
 */
export async function purgeAfter(tx: postgres.ReservedSql, input: PushInput, expired: boolean): Promise<void> {
  if (expired) await purgeAlone(tx, input.spaceId, input.receivedAt, retentionOf(input));
}

/** `body` on a connection of its own, which goes back to the pool outside any transaction whatever failed. */
export async function onConnection<T>(sql: postgres.Sql, body: (tx: postgres.ReservedSql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    return await body(tx);
  } catch (e) {
    await tx`ROLLBACK`.catch(() => undefined);
    throw e;
  } finally {
    tx.release();
  }
}

const UNIQUE_VIOLATION = '23505';

/**
 * Runs the push on `tx` (reserved, outside any transaction) and answers the new head, or null when
 * the rows did not go in and nothing was written. With a beforeCommit hook (tests), the statement
 * runs inside a transaction, so the hook can hold it open.
 */
export async function fastPush(tx: postgres.ReservedSql, input: PushInput, hooks: StoreHooks): Promise<{ head: number } | null> {
  const { spaceId, userId, receivedAt } = input;
  const { rows, bytes } = freshRows(input);
  const n = rows.length;
  const quota = input.maxStoredBytes ?? Number.MAX_SAFE_INTEGER;
  const token = input.tokenHash === undefined ? tx`TRUE` : tx`EXISTS (SELECT 1 FROM tokens WHERE hash = ${input.tokenHash} AND expires_at > ${receivedAt})`;
  const expired = expiredBefore(receivedAt, retentionOf(input));
  const writing = tx<{ seq: string; expired: boolean }[]>`
    WITH moved AS (
      UPDATE spaces SET head = head + ${n}, stored_bytes = stored_bytes + ${bytes}
      WHERE id = ${spaceId} AND stored_bytes + ${bytes} <= ${quota} AND ${token}
        AND NOT EXISTS (SELECT 1 FROM actions WHERE space_id = ${spaceId} AND id IN ${tx(rows.map((r) => r.id))})
      RETURNING head, EXISTS (
        SELECT 1 FROM actions WHERE space_id = ${spaceId} AND covered_at IS NOT NULL AND covered_at <= ${expired}
      ) AS expired
    )
    INSERT INTO actions (space_id, id, seq, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state, user_id, received_at)
    SELECT ${spaceId}, v.id, moved.head - ${n} + v.ord, v.collection, v.entity_id, v.type, v.payload, v.hlc, v.client_id, v.base, v.edits, v.basis,
           v.state, ${userId}, ${receivedAt}
    FROM moved, json_to_recordset(${JSON.stringify(rows)}::text::json) AS v(${tx.unsafe(ROW_COLUMNS)})
    RETURNING seq, (SELECT expired FROM moved)`;
  try {
    const written = hooks.beforeCommit ? (await Promise.all([tx`BEGIN`, writing]))[1] : await writing;
    const stored = written.length === n;
    const head = Math.max(0, ...written.map((r) => Number(r.seq)));
    if (hooks.beforeCommit) {
      if (stored) await hooks.beforeCommit({ spaceId, base: head - n, count: n });
      await tx`COMMIT`;
    }
    if (stored) await purgeAfter(tx, input, written[0]!.expired);
    return stored ? { head } : null;
  } catch (e) {
    if (e instanceof postgres.PostgresError && e.code === UNIQUE_VIOLATION) {
      await tx`ROLLBACK`.catch(() => undefined); // in a transaction only with the hook
      return null;
    }
    throw e;
  }
}
