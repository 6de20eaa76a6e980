// Compaction's SQL on PostgreSQL (the invariants are in compaction.ts), the same statements as
// sqliteCompaction.ts over the same partial indexes (postgresMigrations.ts version 2). They run in
// the push transaction after the space's row is locked, so covering serializes with every other push
// to the space: a late action either commits first (and has seq <= head, covered only if the maker's
// basis reached it, i.e. the maker had it) or after (seq > head >= basis, never covered).

import type postgres from 'postgres';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from './compaction';

type Sql = postgres.Sql | postgres.TransactionSql;

/** Inside the push transaction, after its rows are written. */
export async function coverInPush(tx: Sql, spaceId: string, covers: readonly Cover[], now: number, retentionMs: number): Promise<void> {
  for (const c of covers) {
    const entity = tx`space_id = ${spaceId} AND entity_id = ${c.entityId} AND collection = ${c.collection}
                      AND seq <= ${c.basis} AND covered_at IS NULL`;
    if (retentionMs === 0) await tx`DELETE FROM actions WHERE ${entity}`;
    else await tx`UPDATE actions SET covered_at = ${now} WHERE ${entity}`;
  }
  await tx`DELETE FROM actions WHERE space_id = ${spaceId} AND id IN (
             SELECT id FROM actions WHERE space_id = ${spaceId} AND covered_at IS NOT NULL
             AND covered_at <= ${expiredBefore(now, retentionMs)} LIMIT ${PURGE_PER_PUSH})`;
}

export async function deleteCovered(sql: Sql, coveredBefore: number, limit: number): Promise<number> {
  const result = await sql`DELETE FROM actions WHERE (space_id, id) IN (
                             SELECT space_id, id FROM actions WHERE covered_at IS NOT NULL AND covered_at <= ${coveredBefore}
                             LIMIT ${limit})`;
  return result.count;
}

export async function storedRows(sql: Sql, spaceId: string): Promise<{ live: number; covered: number }> {
  const [row] = await sql<{ live: string; covered: string }[]>`
    SELECT count(*) FILTER (WHERE covered_at IS NULL) AS live, count(*) FILTER (WHERE covered_at IS NOT NULL) AS covered
    FROM actions WHERE space_id = ${spaceId}`;
  return { live: Number(row?.live ?? 0), covered: Number(row?.covered ?? 0) };
}
