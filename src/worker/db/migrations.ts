// Versioned schema migrations. Each migration runs in its own transaction together with its row in
// `schema_migrations`, so a crash leaves the database at the previous version, never between two.
// A newer app upgrades an older database in place on open; migrations are history: never edit one
// that has shipped, add the next version instead. The versions themselves are in schemaSteps.ts.

import { inTransaction, int, type Db } from './sql';
import { migrations, type Migration } from './schemaSteps';

export { migrations, type Migration } from './schemaSteps';

export const latestVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);

export class SchemaTooNewError extends Error {
  override name = 'SchemaTooNewError';
}

export function schemaVersion(db: Db): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const row = db.selectObject('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
  return row ? int(row, 'v') : 0;
}

export interface MigrateResult {
  readonly from: number;
  readonly to: number;
}

/**
 * Brings the database up to the last of `list` (all migrations by default; tests pass a prefix to
 * build a database as an older app left it). Refuses a database made by a newer app rather than
 * writing to a schema it does not know.
 */
export function migrate(db: Db, list: readonly Migration[] = migrations, now: () => number = Date.now): MigrateResult {
  const sorted = [...list].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1..n without gaps (found ${m.version} at ${i + 1})`);
  });
  const target = sorted.length;
  const from = schemaVersion(db);
  if (from > target) {
    throw new SchemaTooNewError(
      `These notes were saved by a newer version of the app (schema ${from}, this one knows ${target}). Reload to update the app.`,
    );
  }
  for (const m of sorted.slice(from)) {
    inTransaction(db, () => {
      db.exec(m.sql);
      db.exec({ sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', bind: [m.version, m.name, now()] });
    });
  }
  return { from, to: target };
}
