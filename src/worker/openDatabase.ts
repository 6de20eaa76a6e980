// Opens the notes database in the browser: take the owner lock, load sqlite-wasm, install the
// opfs-sahpool VFS and open the file in it. Where OPFS cannot be used the app still runs, on an
// in-memory database, and says plainly that notes will not be kept.

import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';
// The package exports its wasm; importing it by URL lets Vite emit it (hashed) and tell us where,
// instead of sqlite-wasm guessing a path next to a bundled chunk.
import wasmUrl from '@sqlite.org/sqlite-wasm/sqlite3.wasm?url';
import type { LockedDatabase, OpenedDatabase } from './notesService';
import { claimOwnership } from './ownership';

/** The pool's OPFS directory. Changing it orphans every existing user's notes. */
export const POOL_DIRECTORY = '/notes-db';
/** Database path inside the pool (the VFS needs absolute paths). */
export const DB_FILE = '/notes.sqlite3';
/** Pool slots: the database, its journal, and spare for temp files (temp_store is MEMORY). */
export const POOL_CAPACITY = 6;

interface EmscriptenModuleConfig {
  locateFile(path: string, prefix: string): string;
}

let sqlite: Promise<Sqlite3Static> | undefined;

export function loadSqlite(): Promise<Sqlite3Static> {
  // The declared signature omits the Emscripten module argument on purpose (sqlite-wasm PR 129);
  // locateFile is still honoured at runtime.
  const init = sqlite3InitModule as unknown as (config: EmscriptenModuleConfig) => Promise<Sqlite3Static>;
  sqlite ??= init({ locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) });
  return sqlite;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Another context holds the pool's files (an owner that did not take the lock). */
function heldElsewhere(e: unknown): boolean {
  return /NoModificationAllowed|Access Handles? cannot be created/i.test(describe(e));
}

function opfsMissing(): string | undefined {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') {
    return 'this browser does not give web apps a private file system (OPFS)';
  }
  if (typeof FileSystemFileHandle === 'undefined' || !('createSyncAccessHandle' in FileSystemFileHandle.prototype)) {
    return 'this browser does not allow fast file access from web workers';
  }
  return undefined;
}

function inMemory(sqlite3: Sqlite3Static, reason: string): OpenedDatabase {
  return {
    state: 'ready',
    db: new sqlite3.oo1.DB(':memory:', 'c'),
    storage: 'memory',
    warning: `Notes cannot be saved on this device (${reason}). You can keep writing, but everything will be lost when this tab closes.`,
  };
}

export async function openBrowserDatabase(): Promise<OpenedDatabase | LockedDatabase> {
  const ownership = await claimOwnership();
  if (!ownership) return { state: 'locked' };
  const sqlite3 = await loadSqlite();
  const missing = opfsMissing();
  if (missing) return inMemory(sqlite3, missing);
  try {
    const pool = await sqlite3.installOpfsSAHPoolVfs({
      directory: POOL_DIRECTORY,
      initialCapacity: POOL_CAPACITY,
      // Never let a failed start delete the pool: it holds the user's only copy of unsynced notes.
      preserveOnInitFailure: true,
    });
    // initialCapacity only shapes a new pool; an older, smaller one is grown here.
    await pool.reserveMinimumCapacity(POOL_CAPACITY);
    return { state: 'ready', db: new pool.OpfsSAHPoolDb(DB_FILE), storage: 'opfs' };
  } catch (e) {
    if (heldElsewhere(e)) {
      ownership.release();
      return { state: 'locked' };
    }
    console.error('Opening the notes database on OPFS failed; falling back to memory.', e);
    return inMemory(sqlite3, `the browser refused its storage: ${describe(e)}`);
  }
}
