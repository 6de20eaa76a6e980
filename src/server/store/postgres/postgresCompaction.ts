// Compaction's SQL on PostgreSQL (the invariants are in compaction.ts), the same statements as
// sqliteCompaction.ts over the same partial indexes (postgresMigrations.ts version 2). They run in
// the push transaction after the space's row is locked, so covering serializes with every other push
// to the space: a late action either commits first (and has seq <= head, covered only if the maker's
// basis reached it, i.e. the maker had it) or after (seq > head >= basis, never covered).

import type postgres from 'postgres';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from '../compaction';
import { ROW_OVERHEAD_BYTES, STORED_BYTES_SQL } from '../rows';

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * Deletes the rows `which` selects (a fragment of a WHERE clause) and gives their bytes back to
 * their spaces' stored-bytes quota (rows.ts rowBytes, in SQL), in one statement that answers how
 * many (n). Not awaited here, so a push can pipeline it with its other statements.
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

export async function deleteCovered(sql: Sql, coveredBefore: number, limit: number): Promise<number> {
  const [row] = await deleteAndRelease(
    sql,
    sql`(space_id, id) IN (SELECT space_id, id FROM actions WHERE covered_at IS NOT NULL AND covered_at <= ${coveredBefore} LIMIT ${limit})`,
  );
  return Number(row?.n ?? 0);
}

export async function storedRows(sql: Sql, spaceId: string): Promise<{ live: number; covered: number }> {
  const [row] = await sql<{ live: string; covered: string }[]>`
    SELECT count(*) FILTER (WHERE covered_at IS NULL) AS live, count(*) FILTER (WHERE covered_at IS NOT NULL) AS covered
    FROM actions WHERE space_id = ${spaceId}`;
  return { live: Number(row?.live ?? 0), covered: Number(row?.covered ?? 0) };
}
