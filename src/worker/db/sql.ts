// Small helpers over a sqlite-wasm oo1 database handle, shared by every storage module. The same
// code runs on OPFS in the browser and on an in-memory database in Node tests.

import type { Database, PreparedStatement, SqlValue } from '@sqlite.org/sqlite-wasm';
import { bindFast } from './fastBind';

export type Db = Database;
export type Row = Record<string, SqlValue>;
export type Bind = readonly SqlValue[];

interface Cached {
  readonly stmt: PreparedStatement;
  readonly columns: readonly string[];
}

/**
 * Prepared statements per connection, by SQL text. oo1's exec/selectObject compile the SQL on every
 * call, which costs more than the work itself on the hot paths (tens of us per statement); the SQL
 * passed here is code-defined, so the cache stays small. DB.close() finalizes them (oo1 tracks every
 * statement it prepared); a finalized one is prepared again if the connection is somehow reused.
 */
const statements = new WeakMap<Db, Map<string, Cached>>();

function prepared(db: Db, sql: string): Cached {
  let byText = statements.get(db);
  if (!byText) {
    byText = new Map();
    statements.set(db, byText);
  }
  let c = byText.get(sql);
  if (!c || c.stmt.pointer === undefined) {
    const stmt = db.prepare(sql);
    const columns: string[] = [];
    for (let i = 0; i < stmt.columnCount; i++) columns.push(stmt.getColumnName(i));
    c = { stmt, columns };
    byText.set(sql, c);
  }
  return c;
}

/**
 * Runs one cached statement: binds, hands each row to `onRow`, and always resets it (even when a step
 * throws), so it never holds a read cursor or a lock past the call and may run again at once, from
 * any transaction or savepoint depth. Bindings are cleared so no note body stays pinned in memory.
 */
function withStatement(db: Db, sql: string, bind: Bind | undefined, onRow: ((c: Cached) => boolean) | null): void {
  const c = prepared(db, sql);
  try {
    if (bind !== undefined && bind.length > 0 && !bindFast(c.stmt, bind)) c.stmt.bind(bind);
    while (c.stmt.step()) if (onRow && !onRow(c)) break;
  } finally {
    c.stmt.resetNoThrow(true);
  }
}

function rowOf(c: Cached): Row {
  const row: Row = {};
  for (let i = 0; i < c.columns.length; i++) row[c.columns[i]!] = c.stmt.get(i);
  return row;
}

/** Runs a write (or any statement whose rows are not needed) through the statement cache. */
export function run(db: Db, sql: string, bind?: Bind): void {
  withStatement(db, sql, bind, null);
}

/** The first row, or undefined; cached like run(). */
export function selectRow(db: Db, sql: string, bind?: Bind): Row | undefined {
  let row: Row | undefined;
  withStatement(db, sql, bind, (c) => {
    row = rowOf(c);
    return false;
  });
  return row;
}

/** Every row; cached like run(). */
export function selectRows(db: Db, sql: string, bind?: Bind): Row[] {
  const rows: Row[] = [];
  withStatement(db, sql, bind, (c) => {
    rows.push(rowOf(c));
    return true;
  });
  return rows;
}

/** Finalizes the connection's cached statements (DB.close() does it too; this is for closing early). */
export function finalizeStatements(db: Db): void {
  for (const c of statements.get(db)?.values() ?? []) c.stmt.finalize();
  statements.delete(db);
}

/** Open transactions per connection, so a write made inside another one nests instead of failing. */
const depth = new WeakMap<Db, number>();

/** Told after each top-level commit of inTransaction (work that follows writes: the search index). */
const commitListeners = new WeakMap<Db, Set<() => void>>();

/** Calls `listener` after every commit of an outermost inTransaction on `db`; returns the unsubscribe. */
export function onCommit(db: Db, listener: () => void): () => void {
  let set = commitListeners.get(db);
  if (!set) commitListeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

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
  run(db, level === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
  depth.set(db, level + 1);
  let result: T;
  try {
    result = fn();
    run(db, level === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
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
  if (level === 0) for (const l of commitListeners.get(db) ?? []) l();
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

export function blobOrNull(row: Row, column: string): Uint8Array | null {
  const v = row[column];
  if (v === null || v === undefined) return null;
  if (!(v instanceof Uint8Array)) throw new TypeError(`column ${column}: expected a blob, got ${typeof v}`);
  return v;
}
