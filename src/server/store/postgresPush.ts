// The push transaction on PostgreSQL in two round trips. The machine it runs on is shared by the
// server, the database and their clients, so every statement sent alone costs a socket write and a
// wakeup on both sides: the statements that only read or lock go out together with BEGIN, and the
// ones that write go out together with COMMIT (postgres.js pipelines queries sent on one connection
// in the same tick; the database runs them in order).
//
// The head is announced after the commit (the bus), not by a NOTIFY inside it: PostgreSQL
// serializes the commits of notifying transactions (a database-wide lock held through the WAL
// flush), which would make every push wait for the disk in turn, across all spaces and instances.
//
// Correctness is the same as one statement at a time: the space's row is locked (FOR UPDATE) before
// anything else in the transaction runs, and under READ COMMITTED each later statement reads what
// committed before it started, so the duplicate check sees every push that held the lock before.

import postgres from 'postgres';
import { planCovers, retentionOf } from './compaction';
import { coverInPush } from './postgresCompaction';
import { rowBytes, splitDuplicates, toRow } from './rows';
import { StoreBusyError, type PushInput, type PushOutcome, type StoreHooks } from './types';

export interface PostgresPushOptions {
  readonly hooks: StoreHooks;
  readonly lockTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/** lock_not_available (lock_timeout) and query_canceled (statement_timeout). */
const BUSY_CODES = new Set(['55P03', '57014']);

type Tx = postgres.ReservedSql;

export async function pushOnPostgres(sql: postgres.Sql, input: PushInput, options: PostgresPushOptions): Promise<PushOutcome> {
  const tx = await sql.reserve();
  try {
    const outcome = await inTransaction(tx, input, options);
    return outcome;
  } catch (e) {
    // Whatever failed, the connection goes back to the pool outside any transaction.
    await tx`ROLLBACK`.catch(() => undefined);
    if (e instanceof postgres.PostgresError && BUSY_CODES.has(e.code)) throw new StoreBusyError(e.message);
    throw e;
  } finally {
    tx.release();
  }
}

async function inTransaction(tx: Tx, input: PushInput, options: PostgresPushOptions): Promise<PushOutcome> {
  const { spaceId, clientId, userId, receivedAt } = input;
  const ids = input.actions.map((a) => a.id);
  const [, , [space], token, bound, existing] = await Promise.all([
    tx`BEGIN`,
    // The timeouts hold for this transaction only, and for the lock below.
    tx`SELECT set_config('lock_timeout', ${`${options.lockTimeoutMs ?? 0}ms`}, true),
              set_config('statement_timeout', ${`${options.statementTimeoutMs ?? 0}ms`}, true)`,
    tx<{ head: string; stored_bytes: string }[]>`SELECT head, stored_bytes FROM spaces WHERE id = ${spaceId} FOR UPDATE`,
    input.tokenHash === undefined ? Promise.resolve([{}]) : tx`SELECT 1 FROM tokens WHERE hash = ${input.tokenHash} AND expires_at > ${receivedAt}`,
    // Binds the clientId to this user on its first push; answers its owner either way.
    tx<{ user_id: string }[]>`
      WITH bound AS (
        INSERT INTO clients (client_id, user_id, space_id, first_seen) VALUES (${clientId}, ${userId}, ${spaceId}, ${receivedAt})
        ON CONFLICT (client_id) DO NOTHING RETURNING user_id
      )
      SELECT user_id FROM bound UNION ALL SELECT user_id FROM clients WHERE client_id = ${clientId}`,
    ids.length === 0 ? Promise.resolve([]) : tx<{ id: string }[]>`SELECT id FROM actions WHERE space_id = ${spaceId} AND id IN ${tx(ids)}`,
  ]);
  if (!space) throw new Error('push into a space that does not exist');
  if (token.length === 0) {
    await tx`ROLLBACK`;
    return { ok: false, reason: 'unauthorized' };
  }
  // Empty when another transaction bound the clientId after this statement's snapshot was taken
  // (its insert waited for that one): read it again, now committed.
  const owner = bound[0] ?? (await tx<{ user_id: string }[]>`SELECT user_id FROM clients WHERE client_id = ${clientId}`)[0];
  // A refusal commits like an accepted push did before: the client's binding (if new) stays.
  const refuse = async <T extends PushOutcome>(outcome: T): Promise<T> => (await tx`COMMIT`, outcome);
  if (owner?.user_id !== userId) return refuse({ ok: false, reason: 'forbidden_client' });

  const { fresh, duplicates } = splitDuplicates(input.actions, new Set(existing.map((x) => x.id)));
  const base = Number(space.head);
  const plan = planCovers(input.actions, fresh, base);
  if (!plan.ok) return refuse(plan);
  const head = base + fresh.length;
  const writes: Promise<unknown>[] = [];
  if (fresh.length > 0) {
    const rows = fresh.map((a, i) => toRow(a, spaceId, base + i + 1, userId, receivedAt));
    const bytes = rows.reduce((sum, row) => sum + rowBytes(row), 0);
    if (input.maxStoredBytes !== undefined && Number(space.stored_bytes) + bytes > input.maxStoredBytes) {
      return refuse({ ok: false, reason: 'storage_full' });
    }
    writes.push(
      tx`INSERT INTO actions ${tx(rows)}`,
      tx`UPDATE spaces SET head = ${head}, stored_bytes = stored_bytes + ${bytes} WHERE id = ${spaceId}`,
    );
  }
  writes.push(...coverInPush(tx, spaceId, plan.covers, receivedAt, retentionOf(input)));
  const beforeCommit = options.hooks.beforeCommit;
  if (beforeCommit) {
    await Promise.all(writes);
    await beforeCommit({ spaceId, base, count: fresh.length });
    await tx`COMMIT`;
  } else {
    // A failed write turns this COMMIT into a rollback; Promise.all rejects with the write's error.
    await Promise.all([...writes, tx`COMMIT`]);
  }
  return { ok: true, accepted: fresh.map((a) => a.id), duplicates, head };
}
