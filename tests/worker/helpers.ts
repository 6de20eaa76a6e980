// Test fixtures: a real SQLite (sqlite-wasm, in memory, in Node) and the same store code the
// browser runs on OPFS. Clocks and ids are injected so runs are reproducible.

import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import type { Db } from '../../src/worker/db/sql';
import { useFastBinding } from '../../src/worker/db/fastBind';
import { Store, type StoreDeps } from '../../src/worker/store/store';
import { NotesService, type ServiceEnv } from '../../src/worker/notes/notesService';

let sqlite: Promise<Sqlite3Static> | undefined;

export function loadSqlite(): Promise<Sqlite3Static> {
  // The app's binding path (fastBind.ts), as openDatabase.ts turns it on in the worker.
  sqlite ??= sqlite3InitModule().then((s) => {
    useFastBinding(s);
    return s;
  });
  return sqlite;
}

export async function memoryDb(): Promise<Db> {
  const s = await loadSqlite();
  return new s.oo1.DB(':memory:', 'c');
}

/** A wall clock that only moves when told to (or by `step` ms per read). */
export function fakeClock(start = 1_750_000_000_000, step = 1): { now: () => number; set: (ms: number) => void } {
  let t = start;
  return {
    now: () => {
      const v = t;
      t += step;
      return v;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** Deterministic UUIDs (valid UUID shape, version nibble 7), distinct per prefix. */
export function idMaker(prefix = 'a'): () => string {
  let n = 0;
  const p = prefix.padEnd(8, '0').slice(0, 8);
  return () => `${p}-0000-7000-8000-${(n++).toString(16).padStart(12, '0')}`;
}

export function uuidFor(prefix: string, n: number): string {
  return `${prefix.padEnd(8, '0').slice(0, 8)}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

export async function openStore(deps: Partial<StoreDeps> = {}): Promise<Store> {
  const db = await memoryDb();
  return Store.open(db, { now: deps.now ?? fakeClock().now, newId: deps.newId ?? idMaker('c0ffee00') });
}

export async function openService(env: Partial<ServiceEnv> = {}): Promise<{ service: NotesService; db: Db }> {
  const db = await memoryDb();
  const service = new NotesService({
    openDatabase: async () => ({ state: 'ready', db, storage: 'memory' }),
    now: fakeClock().now,
    newId: idMaker('5e5e5e5e'),
    ...env,
  });
  await service.open();
  return { service, db };
}

export function count(db: Db, sql: string, bind: (string | number)[] = []): number {
  return Number(db.selectValue(sql, bind.length > 0 ? bind : undefined));
}

/** JSON with object keys sorted, so states compare by content, not key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function canonicalStates(states: Map<string, unknown>): string {
  return canonical([...states.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Makes SQLite itself refuse to grow the database file: the next write needing a page fails with SQLITE_FULL. */
export function fillUp(db: Db): void {
  const pages = Number(db.selectValue('PRAGMA page_count'));
  db.exec(`PRAGMA max_page_count = ${pages}`);
}
