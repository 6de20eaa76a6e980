// Compaction's SQL on PostgreSQL (the invariants are in compaction.ts), the same statements as
// sqliteCompaction.ts over the same partial indexes (postgresMigrations.ts version 2). They run in
// the push transaction after the space's row is locked, so covering serializes with every other push
// to the space: a late action either commits first (and has seq <= head, covered only if the maker's
// basis reached it, i.e. the maker had it) or after (seq > head >= basis, never covered).
//
// Lock order: every transaction that writes a space's action rows holds that space's row first, and
// one that needs several spaces locks them in id order before writing any (a push, a group, and
// below the sweep and the purge after a one-statement push). A statement that deleted rows first and
// then updated their spaces' stored_bytes would hold rows of a space a push has locked while waiting
// for that push's space, which waits for those rows: a deadlock, which PostgreSQL breaks only after
// deadlock_timeout by aborting one side (tests/server/store/postgres/postgresSweep.test.ts).

import type postgres from 'postgres';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from '../compaction';
import { ROW_OVERHEAD_BYTES, STORED_BYTES_SQL } from '../rows';

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Deletes the rows `which` selects (a fragment of a WHERE clause) and gives their bytes back to
 * their spaces' stored-bytes quota (rows.ts rowBytes, in SQL), in one statement that answers how
 * many (n). Not awaited here, so a push can pipeline it with its other statements. Only in a
 * transaction that already holds the row of every space `which` can reach (lockSpaces).
 */
function deleteAndRelease(sql: Sql, which: postgres.PendingQuery<postgres.Row[]>): postgres.PendingQuery<{ n: string }[]> {
  return sql<{ n: string }[]>`
    WITH gone AS (
      DELETE FROM actions WHERE ${which}
      RETURNING space_id, ${sql.unsafe(STORED_BYTES_SQL.postgres)} + ${ROW_OVERHEAD_BYTES} AS bytes
    ), freed AS (
      UPDATE spaces SET stored_bytes = greatest(0, stored_bytes - f.bytes)
      FROM (SELECT space_id, sum(bytes) AS bytes FROM gone GROUP BY space_id) f
      WHERE spaces.id = f.space_id
    )
    SELECT count(*) AS n FROM gone`;
}

/**
 * The statements of a push's covering, in the order they must run inside its transaction after its
 * rows: built, not yet sent, so the push sends them together with its inserts and its COMMIT. The
 * purge of expired rows only when `purge` (the push read that its space has some).
 */
export function coverInPush(
  tx: Sql,
  spaceId: string,
  covers: readonly Cover[],
  now: number,
  retentionMs: number,
  opts: { readonly purge: boolean } = { purge: true },
): Promise<unknown>[] {
  const statements: Promise<unknown>[] = [];
  for (const c of covers) {
    const entity = tx`space_id = ${spaceId} AND entity_id = ${c.entityId} AND collection = ${c.collection}
                      AND seq <= ${c.basis} AND covered_at IS NULL`;
    statements.push(retentionMs === 0 ? deleteAndRelease(tx, entity) : tx`UPDATE actions SET covered_at = ${now} WHERE ${entity}`);
  }
  if (!opts.purge) return statements;
  statements.push(
    deleteAndRelease(
      tx,
      tx`space_id = ${spaceId} AND id IN (
           SELECT id FROM actions WHERE space_id = ${spaceId} AND covered_at IS NOT NULL
           AND covered_at <= ${expiredBefore(now, retentionMs)} LIMIT ${PURGE_PER_PUSH})`,
    ),
  );
  return statements;
}

/**
 * Locks the rows of these spaces in id order (the lock sits above the sort, so one at a time in that
 * order), as a group of pushes does (postgresGroupPush.ts). FOR NO KEY UPDATE: the mode of the
 * stored_bytes UPDATE that follows, so the transaction never upgrades a lock it holds; it conflicts
 * with itself (groups, the one-statement push's UPDATE) and with the FOR UPDATE of the long push and
 * of account deletion, so each waits for the other; and unlike FOR UPDATE it lets the foreign-key
 * checks of inserts that reference a space (FOR KEY SHARE) through.
 */
function lockSpaces(tx: Sql, spaceIds: postgres.PendingQuery<postgres.Row[]>): postgres.PendingQuery<{ id: string }[]> {
  return tx<{ id: string }[]>`SELECT id FROM spaces WHERE id IN (${spaceIds}) ORDER BY id FOR NO KEY UPDATE`;
}

/**
 * The purge of a space's rows past retention on a connection outside any transaction (after a
 * one-statement push committed, postgresFastPush.ts): in a transaction of its own that locks the
 * space first, as the long push holds it while it purges. All of it sent at once, one round trip.
 */
export async function purgeAlone(tx: postgres.ReservedSql, spaceId: string, now: number, retentionMs: number): Promise<void> {
  await Promise.all([tx`BEGIN`, lockSpaces(tx, tx`${spaceId}`), ...coverInPush(tx, spaceId, [], now, retentionMs), tx`COMMIT`]);
}

/**
 * The sweep's batch (sweep.ts): at most `limit` rows covered at or before `coveredBefore`, of any
 * spaces, and their bytes given back; answers how many. One transaction: the spaces of the rows it
 * found are locked first, in id order, then their rows are picked again and deleted. The second pick
 * reads what committed while it waited (a push may have purged some), so it can delete fewer than the
 * first found; the sweep then ends early and the next one finds the rest.
 */
export async function deleteCovered(sql: postgres.Sql, coveredBefore: number, limit: number): Promise<number> {
  const expired = (s: Sql) => s`covered_at IS NOT NULL AND covered_at <= ${coveredBefore}`;
  return sql.begin(async (tx) => {
    const spaces = await lockSpaces(tx, tx`SELECT space_id FROM actions WHERE ${expired(tx)} LIMIT ${limit}`);
    if (spaces.length === 0) return 0;
    const [row] = await deleteAndRelease(
      tx,
      tx`(space_id, id) IN (SELECT space_id, id FROM actions WHERE space_id IN ${tx(spaces.map((s) => s.id))} AND ${expired(tx)} LIMIT ${limit})`,
    );
    return Number(row?.n ?? 0);
  });
}

export async function storedRows(sql: Sql, spaceId: string): Promise<{ live: number; covered: number }> {
  const [row] = await sql<{ live: string; covered: string }[]>`
    SELECT count(*) FILTER (WHERE covered_at IS NULL) AS live, count(*) FILTER (WHERE covered_at IS NOT NULL) AS covered
    FROM actions WHERE space_id = ${spaceId}`;
  return { live: Number(row?.live ?? 0), covered: Number(row?.covered ?? 0) };
}
