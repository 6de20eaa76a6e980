// Small helpers over a sqlite-wasm oo1 database handle, shared by every storage module. The same
// code runs on OPFS in the browser and on an in-memory database in Node tests.

import type { Database, SqlValue } from '@sqlite.org/sqlite-wasm';

export type Db = Database;
export type Row = Record<string, SqlValue>;

/** Open transactions per connection, so a write made inside another one nests instead of failing. */
const depth = new WeakMap<Db, number>();

/**
 * Runs `fn` in one write transaction: all of its writes commit together or none do. Called inside
 * another inTransaction it runs in a savepoint, so a composed write (apply an action and resolve the
 * conflict it answers) is still all or nothing, and a failed inner step undoes only itself. SQLite
 * rolls some failures (SQLITE_FULL, I/O errors) back on its own, so the explicit ROLLBACK may find no
 * transaction; the original error is the one that matters and is rethrown.
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  const level = depth.get(db) ?? 0;
  const savepoint = `nested_${level}`;
  db.exec(level === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
  depth.set(db, level + 1);
  let result: T;
  try {
    result = fn();
    db.exec(level === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
  } catch (e) {
    try {
      db.exec(level === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    } catch {
      // Already rolled back by SQLite itself.
    }
    throw e;
  } finally {
    depth.set(db, level);
  }
  return result;
}

export function text(row: Row, column: string): string {
  const v = row[column];
  if (typeof v !== 'string') throw new TypeError(`column ${column}: expected text, got ${v === null ? 'null' : typeof v}`);
  return v;
}

export function textOrNull(row: Row, column: string): string | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw new TypeError(`column ${column}: expected text, got ${typeof v}`);
  return v;
}

export function int(row: Row, column: string): number {
  const v = row[column];
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number') throw new TypeError(`column ${column}: expected integer, got ${v === null ? 'null' : typeof v}`);
  return v;
}

export function intOrNull(row: Row, column: string): number | null {
  const v = row[column];
  return v === null || v === undefined ? null : int(row, column);
}

/** SQL identifiers built from code-defined names (collections.ts) only; never from input. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a safe SQL identifier: ${name}`);
  return `"${name}"`;
}
