// Compaction's SQL on SQLite (the invariants are in compaction.ts). Every statement reads through a
// partial index that holds only the rows it touches (sqliteMigrations.ts version 2):
//   covering  actions_live_entity (space_id, entity_id, seq) WHERE covered_at IS NULL
//   pull      actions_live_seq (space_id, seq) WHERE covered_at IS NULL
//   per push  actions_covered_space (space_id, covered_at) WHERE covered_at IS NOT NULL
//   sweep     actions_covered_at (covered_at) WHERE covered_at IS NOT NULL
// SQLite uses a partial index only when the query's WHERE repeats its condition, hence the literal
// `covered_at IS NULL` / `IS NOT NULL` terms below.

import type Database from 'better-sqlite3';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from './compaction';

type Db = Database.Database;

export const SQLITE_LIVE_PAGE = `FROM actions WHERE space_id = ? AND seq > ? AND seq <= ? AND covered_at IS NULL ORDER BY seq LIMIT ?`;

export interface SqliteCompaction {
  /** Inside the push transaction, after its rows are written. */
  cover(spaceId: string, covers: readonly Cover[], now: number, retentionMs: number): void;
  deleteCovered(coveredBefore: number, limit: number): number;
  storedRows(spaceId: string): { live: number; covered: number };
}

export function sqliteCompaction(writer: Db, reader: Db): SqliteCompaction {
  const entity = 'space_id = @spaceId AND entity_id = @entityId AND collection = @collection AND seq <= @basis AND covered_at IS NULL';
  const s = {
    mark: writer.prepare(`UPDATE actions SET covered_at = @now WHERE ${entity}`),
    drop: writer.prepare(`DELETE FROM actions WHERE ${entity}`),
    // WITHOUT ROWID: rows are addressed by their primary key (space_id, id).
    purgeSpace: writer.prepare(
      `DELETE FROM actions WHERE space_id = @spaceId AND id IN (
         SELECT id FROM actions WHERE space_id = @spaceId AND covered_at IS NOT NULL AND covered_at <= @before LIMIT @limit)`,
    ),
    purgeAny: writer.prepare(
      `DELETE FROM actions WHERE (space_id, id) IN (
         SELECT space_id, id FROM actions WHERE covered_at IS NOT NULL AND covered_at <= @before LIMIT @limit)`,
    ),
    live: reader.prepare('SELECT count(*) AS n FROM actions WHERE space_id = ? AND covered_at IS NULL'),
    covered: reader.prepare('SELECT count(*) AS n FROM actions WHERE space_id = ? AND covered_at IS NOT NULL'),
  };
  const count = (statement: Database.Statement, spaceId: string): number => (statement.get(spaceId) as { n: number }).n;

  return {
    cover(spaceId, covers, now, retentionMs) {
      const statement = retentionMs === 0 ? s.drop : s.mark;
      for (const c of covers) statement.run({ spaceId, entityId: c.entityId, collection: c.collection, basis: c.basis, now });
      s.purgeSpace.run({ spaceId, before: expiredBefore(now, retentionMs), limit: PURGE_PER_PUSH });
    },
    deleteCovered: (coveredBefore, limit) => s.purgeAny.run({ before: coveredBefore, limit }).changes,
    storedRows: (spaceId) => ({ live: count(s.live, spaceId), covered: count(s.covered, spaceId) }),
  };
}
