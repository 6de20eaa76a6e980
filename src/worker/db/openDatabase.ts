// Opens the notes database in the browser: load sqlite-wasm, install the opfs-sahpool VFS and open
// the file in it. Only the leader calls this, while it holds the owner lock (ownership.ts). Where OPFS
// cannot be used the app still runs, on an in-memory database, and says plainly that notes will not
// be kept.
//
// Right after a handoff the previous owner's sync access handles may still be closing (its worker is
// being torn down), and installing the pool fails with NoModificationAllowedError for a moment. That
// is retried with a short backoff rather than reported: the lock says the files are ours, so the
// handles will come free. sqlite-wasm caches a failed install per VFS name; a retry passes
// forceReinitIfPreviouslyFailed to try afresh, and preserveOnInitFailure (always) so that a failed
// attempt never deletes the pool, which holds the user's only copy of unsynced notes.

import sqlite3InitModule, { type Sqlite3Static } from '@sqlite.org/sqlite-wasm';
// The package exports its wasm; importing it by URL lets Vite emit it (hashed) and tell us where,
// instead of sqlite-wasm guessing a path next to a bundled chunk.
import wasmUrl from '@sqlite.org/sqlite-wasm/sqlite3.wasm?url';
import { backoffDelay, type BackoffPolicy } from '../../sync/cycle/backoff';
import type { OpenedDatabase } from '../notes/notesService';
import { useFastBinding } from './fastBind';
import { coalesceAccessHandleWrites } from './writeBehind';

/** The pool's OPFS directory. Changing it orphans every existing user's notes. */
export const POOL_DIRECTORY = '/notes-db';
/** Database path inside the pool (the VFS needs absolute paths). */
export const DB_FILE = '/notes.sqlite3';
/** Pool slots: the database, its journal, and spare for temp files (temp_store is MEMORY). */
export const POOL_CAPACITY = 6;
/** Waits between install attempts while the previous owner's handles close: 50 ms doubling to 1 s. */
export const INSTALL_BACKOFF: BackoffPolicy = { baseMs: 50, maxMs: 1_000 };

interface EmscriptenModuleConfig {
  locateFile(path: string, prefix: string): string;
}

let sqlite: Promise<Sqlite3Static> | undefined;

export function loadSqlite(): Promise<Sqlite3Static> {
  // The declared signature omits the Emscripten module argument on purpose (sqlite-wasm PR 129);
  // locateFile is still honoured at runtime.
  if (sqlite) return sqlite;
  const init = sqlite3InitModule as unknown as (config: EmscriptenModuleConfig) => Promise<Sqlite3Static>;
  // Before the pool opens a handle: a commit's writes reach OPFS as one write (writeBehind.ts).
  coalesceAccessHandleWrites();
  sqlite = init({ locateFile: (path, prefix) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) }).then((s) => {
    useFastBinding(s);
    return s;
  });
  return sqlite;
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Another context still holds the pool's files: the previous owner, closing. */
export function heldElsewhere(e: unknown): boolean {
  return /NoModificationAllowed|Access Handles? cannot be created/i.test(describe(e));
}

export interface RetryEnv {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Told once when the wait gets long (for the console: a genuinely stuck owner). */
  readonly onSlow?: (attempts: number, error: unknown) => void;
}

/**
 * Runs `attempt(retry)` until it succeeds or fails with something other than `transient`; `retry`
 * is false on the first call only. Never gives up on a transient failure: the caller holds the lock,
 * so waiting is right, and the pages say they are waiting meanwhile.
 */
export async function retryWhile<T>(attempt: (retry: boolean) => Promise<T>, transient: (e: unknown) => boolean, env: RetryEnv): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n > 0);
    } catch (e) {
      if (!transient(e)) throw e;
      if (n === 20) env.onSlow?.(n, e);
      await env.sleep(backoffDelay(n + 1, env.random, INSTALL_BACKOFF));
    }
  }
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
    warning: `Notes cannot be saved on this device (${reason}). You can keep writing, but everything will be lost when the app is closed.`,
  };
}

const platformRetry: RetryEnv = {
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
  onSlow: (n, e) => console.warn(`notes: the database is still held by another context after ${n} attempts; still waiting`, e),
};

/** Opens the database; call only while holding the owner lock. */
export async function openBrowserDatabase(retry: RetryEnv = platformRetry): Promise<OpenedDatabase> {
  const sqlite3 = await loadSqlite();
  const missing = opfsMissing();
  if (missing) return inMemory(sqlite3, missing);
  try {
    const pool = await retryWhile(
      (again) =>
        sqlite3.installOpfsSAHPoolVfs({
          directory: POOL_DIRECTORY,
          initialCapacity: POOL_CAPACITY,
          preserveOnInitFailure: true,
          ...(again ? { forceReinitIfPreviouslyFailed: true } : {}),
        } as Parameters<Sqlite3Static['installOpfsSAHPoolVfs']>[0]),
      heldElsewhere,
      retry,
    );
    // initialCapacity only shapes a new pool; an older, smaller one is grown here.
    await pool.reserveMinimumCapacity(POOL_CAPACITY);
    return { state: 'ready', db: new pool.OpfsSAHPoolDb(DB_FILE), storage: 'opfs' };
  } catch (e) {
    console.error('Opening the notes database on OPFS failed; falling back to memory.', e);
    return inMemory(sqlite3, `the browser refused its storage: ${describe(e)}`);
  }
}
