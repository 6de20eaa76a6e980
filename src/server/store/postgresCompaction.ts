// Compaction's SQL on PostgreSQL (the invariants are in compaction.ts), the same statements as
// sqliteCompaction.ts over the same partial indexes (postgresMigrations.ts version 2). They run in
// the push transaction after the space's row is locked, so covering serializes with every other push
// to the space: a late action either commits first (and has seq <= head, covered only if the maker's
// basis reached it, i.e. the maker had it) or after (seq > head >= basis, never covered).

import type postgres from 'postgres';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from './compaction';
import { ROW_OVERHEAD_BYTES, STORED_BYTES_SQL } from './rows';

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Deletes the rows `which` selects (a fragment of a WHERE clause) and gives their bytes back to
 * their spaces' stored-bytes quota (rows.ts rowBytes, in SQL), in one statement. Returns how many.
 */
async function deleteAndRelease(sql: Sql, which: postgres.PendingQuery<postgres.Row[]>): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    WITH gone AS (
      DELETE FROM actions WHERE ${which}
      RETURNING space_id, ${sql.unsafe(STORED_BYTES_SQL.postgres)} + ${ROW_OVERHEAD_BYTES} AS bytes
    ), freed AS (
      UPDATE spaces SET stored_bytes = greatest(0, stored_bytes - f.bytes)
      FROM (SELECT space_id, sum(bytes) AS bytes FROM gone GROUP BY space_id) f
      WHERE spaces.id = f.space_id
    )
    SELECT count(*) AS n FROM gone`;
  return Number(row?.n ?? 0);
}

/** Inside the push transaction, after its rows are written. */
export async function coverInPush(tx: Sql, spaceId: string, covers: readonly Cover[], now: number, retentionMs: number): Promise<void> {
  for (const c of covers) {
    const entity = tx`space_id = ${spaceId} AND entity_id = ${c.entityId} AND collection = ${c.collection}
                      AND seq <= ${c.basis} AND covered_at IS NULL`;
    if (retentionMs === 0) await deleteAndRelease(tx, entity);
    else await tx`UPDATE actions SET covered_at = ${now} WHERE ${entity}`;
  }
  await deleteAndRelease(
    tx,
    tx`space_id = ${spaceId} AND id IN (
         SELECT id FROM actions WHERE space_id = ${spaceId} AND covered_at IS NOT NULL
         AND covered_at <= ${expiredBefore(now, retentionMs)} LIMIT ${PURGE_PER_PUSH})`,
  );
}

export async function deleteCovered(sql: Sql, coveredBefore: number, limit: number): Promise<number> {
  return deleteAndRelease(
    sql,
    sql`(space_id, id) IN (SELECT space_id, id FROM actions WHERE covered_at IS NOT NULL AND covered_at <= ${coveredBefore} LIMIT ${limit})`,
  );
}

export async function storedRows(sql: Sql, spaceId: string): Promise<{ live: number; covered: number }> {
  const [row] = await sql<{ live: string; covered: string }[]>`
    SELECT count(*) FILTER (WHERE covered_at IS NULL) AS live, count(*) FILTER (WHERE covered_at IS NOT NULL) AS covered
    FROM actions WHERE space_id = ${spaceId}`;
  return { live: Number(row?.live ?? 0), covered: Number(row?.covered ?? 0) };
}
