// The push transaction on PostgreSQL. A batch of new actions from a device this instance knows is
// one statement (postgresFastPush.ts), shared with the pushes beside it (postgresGroupPush.ts); any
// other push, and one that statement did not store, takes the two round trips below. The machine it
// runs on is shared by the server, the database and their clients, so every statement sent alone
// costs a socket write and a wakeup on both sides: the statements that only read or lock go out
// together with BEGIN, and the ones that write go out together with COMMIT (postgres.js pipelines
// queries sent on one connection in the same tick; the database runs them in order).
//
// The head is announced after the commit (the bus), not by a NOTIFY inside it: PostgreSQL
// serializes the commits of notifying transactions (a database-wide lock held through the WAL
// flush), which would make every push wait for the disk in turn, across all spaces and instances.
//
// Correctness is the same as one statement at a time: the space's row is locked (FOR UPDATE) before
// anything else in the transaction runs, and under READ COMMITTED each later statement reads what
// committed before it started, so the duplicate check sees every push that held the lock before.

import postgres from 'postgres';
import { expiredBefore, planCovers, retentionOf } from '../compaction';
import { fastEligible, fastPush, onConnection } from './postgresFastPush';
import { coverInPush } from './postgresCompaction';
import type { PushGroups } from './postgresGroupPush';
import { rowBytes, splitDuplicates, toRow } from '../rows';
import { StoreBusyError, type PushInput, type PushOutcome, type StoreHooks } from '../types';

export interface PostgresPushOptions {
  readonly hooks: StoreHooks;
  readonly lockTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  /** Client bindings this instance saw committed (clientBindings below); absent: always asked. */
  readonly bindings?: ClientBindings;
  /** The common push in group commits (postgresGroupPush.ts); absent: each alone. */
  readonly groups?: PushGroups;
}

/** lock_not_available (lock_timeout) and query_canceled (statement_timeout). */
const BUSY_CODES = new Set(['55P03', '57014']);

type Tx = postgres.ReservedSql;

/**
 * clientId -> userId for bindings this instance saw committed. A binding is only ever removed with
 * its account (deleteUser), whose tokens go in the same transaction, so a remembered binding can only
 * let a push skip the binding statement when that push's token check fails anyway. Only a match is
 * trusted: a push by another user asks the database, as before.
 */
export class ClientBindings {
  private readonly owners = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  owns(clientId: string, userId: string): boolean {
    return this.owners.get(clientId) === userId;
  }

  remember(clientId: string, userId: string): void {
    this.owners.delete(clientId);
    // The oldest first: a Map iterates in insertion order.
    if (this.owners.size >= this.max) this.owners.delete(this.owners.keys().next().value!);
    this.owners.set(clientId, userId);
  }

  forgetUser(userId: string): void {
    for (const [clientId, owner] of this.owners) if (owner === userId) this.owners.delete(clientId);
  }
}

/** A whole number of milliseconds for SET LOCAL (0 = no limit), never text from outside. */
const ms = (n: number | undefined): string => `${Math.max(0, Math.floor(n ?? 0))}ms`;

export async function pushOnPostgres(sql: postgres.Sql, input: PushInput, options: PostgresPushOptions): Promise<PushOutcome> {
  try {
    if (options.bindings?.owns(input.clientId, input.userId) === true && fastEligible(input.actions)) {
      const fast = await (options.groups ? options.groups.push(input) : onConnection(sql, (tx) => fastPush(tx, input, options.hooks)));
      if (fast) return { ok: true, accepted: input.actions.map((a) => a.id), duplicates: [], head: fast.head };
    }
    // One simple-protocol message: the timeouts hold for this transaction only, and for its lock.
    const begin = `BEGIN; SET LOCAL lock_timeout = '${ms(options.lockTimeoutMs)}'; SET LOCAL statement_timeout = '${ms(options.statementTimeoutMs)}'`;
    const outcome = await onConnection(sql, (tx) => inTransaction(tx, input, options, begin));
    if (outcome.ok) options.bindings?.remember(input.clientId, input.userId);
    return outcome;
  } catch (e) {
    if (e instanceof postgres.PostgresError && BUSY_CODES.has(e.code)) throw new StoreBusyError(e.message);
    throw e;
  }
}

async function inTransaction(tx: Tx, input: PushInput, options: PostgresPushOptions, begin: string): Promise<PushOutcome> {
  const { spaceId, clientId, userId, receivedAt } = input;
  const ids = input.actions.map((a) => a.id);
  const retentionMs = retentionOf(input);
  const known = options.bindings?.owns(clientId, userId) === true;
  const [, [space], token, bound, existing] = await Promise.all([
    tx.unsafe(begin),
    // Whether the space has rows past their retention, for the purge below (which otherwise runs as
    // a statement per push for nothing). Read as of this statement's start: a row covered since is
    // at most a push late, and the sweep (sweep.ts) reaches what pushes do not.
    tx<{ head: string; stored_bytes: string; expired: boolean }[]>`
      SELECT head, stored_bytes, EXISTS (
        SELECT 1 FROM actions WHERE space_id = ${spaceId} AND covered_at IS NOT NULL AND covered_at <= ${expiredBefore(receivedAt, retentionMs)}
      ) AS expired
      FROM spaces WHERE id = ${spaceId} FOR UPDATE`,
    input.tokenHash === undefined ? Promise.resolve([{}]) : tx`SELECT 1 FROM tokens WHERE hash = ${input.tokenHash} AND expires_at > ${receivedAt}`,
    // Binds the clientId to this user on its first push; answers its owner either way.
    known
      ? Promise.resolve([{ user_id: userId }])
      : tx<{ user_id: string }[]>`
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
    // The new head and the rows in one statement.
    writes.push(tx`
      WITH moved AS (UPDATE spaces SET head = ${head}, stored_bytes = stored_bytes + ${bytes} WHERE id = ${spaceId})
      INSERT INTO actions ${tx(rows)}`);
  }
  writes.push(...coverInPush(tx, spaceId, plan.covers, receivedAt, retentionMs, { purge: space.expired }));
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
