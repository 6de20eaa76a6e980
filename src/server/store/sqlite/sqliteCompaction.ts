// Compaction's SQL on SQLite (the invariants are in compaction.ts). Every statement reads through a
// partial index that holds only the rows it touches (sqliteMigrations.ts version 2):
//   covering  actions_live_entity (space_id, entity_id, seq) WHERE covered_at IS NULL
//   pull      actions_live_seq (space_id, seq) WHERE covered_at IS NULL
//   per push  actions_covered_space (space_id, covered_at) WHERE covered_at IS NOT NULL
//   sweep     actions_covered_at (covered_at) WHERE covered_at IS NOT NULL
// SQLite uses a partial index only when the query's WHERE repeats its condition, hence the literal
// `covered_at IS NULL` / `IS NOT NULL` terms below.

import type Database from 'better-sqlite3';
import { expiredBefore, PURGE_PER_PUSH, type Cover } from '../compaction';
import { ROW_OVERHEAD_BYTES, STORED_BYTES_SQL } from '../rows';

// What a deleted row gave back to its space's quota (rows.ts rowBytes, in SQL).
const FREED = `RETURNING space_id, ${STORED_BYTES_SQL.sqlite} + ${ROW_OVERHEAD_BYTES} AS bytes`;

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
    drop: writer.prepare(`DELETE FROM actions WHERE ${entity} ${FREED}`),
    // WITHOUT ROWID: rows are addressed by their primary key (space_id, id).
    purgeSpace: writer.prepare(
      `DELETE FROM actions WHERE space_id = @spaceId AND id IN (
         SELECT id FROM actions WHERE space_id = @spaceId AND covered_at IS NOT NULL AND covered_at <= @before LIMIT @limit) ${FREED}`,
    ),
    purgeAny: writer.prepare(
      `DELETE FROM actions WHERE (space_id, id) IN (
         SELECT space_id, id FROM actions WHERE covered_at IS NOT NULL AND covered_at <= @before LIMIT @limit) ${FREED}`,
    ),
    release: writer.prepare('UPDATE spaces SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?'),
    live: reader.prepare('SELECT count(*) AS n FROM actions WHERE space_id = ? AND covered_at IS NULL'),
    covered: reader.prepare('SELECT count(*) AS n FROM actions WHERE space_id = ? AND covered_at IS NOT NULL'),
  };
  const count = (statement: Database.Statement, spaceId: string): number => (statement.get(spaceId) as { n: number }).n;
  /** Deleted rows give their bytes back to their spaces' stored-bytes quota. Returns how many. */
  const release = (rows: unknown[]): number => {
    const bySpace = new Map<string, number>();
    for (const r of rows as { space_id: string; bytes: number }[]) bySpace.set(r.space_id, (bySpace.get(r.space_id) ?? 0) + r.bytes);
    for (const [space, bytes] of bySpace) s.release.run(bytes, space);
    return rows.length;
  };
  // Deleting first and releasing the bytes after needs no lock order here, unlike PostgreSQL
  // (postgresCompaction.ts): every write runs in turn on the one writer connection (sqliteWrites.ts),
  // holding SQLite's database-wide write lock from BEGIN IMMEDIATE, so no two writers ever hold
  // parts of what the other needs.
  const sweep = writer.transaction((before: number, limit: number) => release(s.purgeAny.all({ before, limit })));

  return {
    cover(spaceId, covers, now, retentionMs) {
      for (const c of covers) {
        const params = { spaceId, entityId: c.entityId, collection: c.collection, basis: c.basis, now };
        if (retentionMs === 0) release(s.drop.all(params));
        else s.mark.run(params);
      }
      release(s.purgeSpace.all({ spaceId, before: expiredBefore(now, retentionMs), limit: PURGE_PER_PUSH }));
    },
    deleteCovered: (coveredBefore, limit) => sweep(coveredBefore, limit),
    storedRows: (spaceId) => ({ live: count(s.live, spaceId), covered: count(s.covered, spaceId) }),
  };
}
