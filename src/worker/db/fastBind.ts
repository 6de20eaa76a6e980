// Binding a statement's values straight into sqlite-wasm, for the hot write paths (sql.ts). oo1's
// Stmt.bind() allocates, encodes and frees a C string per string value, through argument-checking
// wrappers: in a note create (~35 values over two statements) that was ~30% of its CPU. Here every
// string and blob of a call is encoded into one reused scratch buffer in the wasm heap and bound with
// SQLITE_TRANSIENT (SQLite copies it, with memcpy, before bind returns), by the raw wasm exports.
//
// The same values bind to the same SQLite values as oo1 gives them: null/undefined NULL, strings
// TEXT (UTF-8), int32 numbers and booleans int, other integral numbers and bigints int64, other
// numbers double, Uint8Array BLOB (tests/worker/db/fastBind.test.ts compares the two). Anything else goes to oo1's bind, which explains the refusal.

import type { PreparedStatement, SqlValue, Sqlite3Static } from '@sqlite.org/sqlite-wasm';

interface RawExports {
  sqlite3_bind_null(stmt: number, i: number): number;
  sqlite3_bind_int(stmt: number, i: number, v: number): number;
  sqlite3_bind_int64(stmt: number, i: number, v: bigint): number;
  sqlite3_bind_double(stmt: number, i: number, v: number): number;
  sqlite3_bind_text(stmt: number, i: number, p: number, n: number, destructor: number): number;
  sqlite3_bind_blob(stmt: number, i: number, p: number, n: number, destructor: number): number;
  sqlite3_bind_parameter_count(stmt: number): number;
}

interface Binder {
  /** The instance's DB class: a statement of another sqlite-wasm instance must not use its exports. */
  readonly DB: abstract new (...args: never[]) => unknown;
  readonly raw: RawExports;
  readonly heap: () => Uint8Array;
  readonly alloc: (n: number) => number;
  readonly free: (p: number) => void;
  readonly checkRc: (db: number, rc: number) => void;
  scratch: number;
  size: number;
}

const TRANSIENT = -1;
/**
 * Strings up to this long are copied by a loop while they are ASCII (ids, stamps, titles, JSON of
 * short payloads). In Chromium a TextEncoder.encodeInto call costs ~0.45 us even for a short string,
 * the loop ~0.1 (a page's microbenchmark: a uuid, a stamp, names, a 330-character JSON), and a note
 * create binds ~25 strings; the storage bench's write over its bare INSERT went from 1.54-1.57x to
 * 1.44-1.52x (six runs alternating with the build before, both orders).
 */
const ASCII_LOOP_MAX = 1024;
const KEEP_BYTES = 1 << 20;
const encoder = new TextEncoder();
let binder: Binder | null = null;

/** Turns the fast path on for every database of this sqlite-wasm instance (once, after it loads). */
export function useFastBinding(sqlite3: Sqlite3Static): void {
  const { wasm, oo1 } = sqlite3;
  const raw = wasm.exports as unknown as Partial<RawExports>;
  if (!(wasm as unknown as { bigIntEnabled?: boolean }).bigIntEnabled || typeof raw.sqlite3_bind_text !== 'function' || typeof raw.sqlite3_bind_parameter_count !== 'function') return;
  binder = {
    DB: oo1.DB,
    raw: raw as RawExports,
    heap: () => wasm.heap8u(),
    alloc: (n) => Number(wasm.alloc(n)),
    free: (p) => wasm.dealloc(p),
    checkRc: (db, rc) => oo1.DB.checkRc(db, rc),
    scratch: 0,
    size: 0,
  };
}

/** Binds `values` to parameters 1..n of `stmt`; false when it cannot (the caller then uses oo1). */
export function bindFast(stmt: PreparedStatement, values: readonly SqlValue[]): boolean {
  const b = binder;
  const p = stmt.pointer as number | undefined;
  const db = (stmt as unknown as { db: unknown }).db;
  if (!b || p === undefined || !(db instanceof b.DB) || b.raw.sqlite3_bind_parameter_count(p) !== values.length) return false;
  let need = 0;
  for (const v of values) {
    if (typeof v === 'string') need += v.length * 3;
    else if (v instanceof Uint8Array) need += v.byteLength;
    else if (v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') return false;
  }
  // The reused buffer stays small (a write's values); a pulled page's statement (up to 4 MB of JSON,
  // chunks.ts) gets one of its own, freed when it is bound.
  const own = need > KEEP_BYTES;
  if (!own && need > b.size) {
    if (b.scratch) b.free(b.scratch);
    b.size = Math.max(need, 2 * b.size, 4096);
    b.scratch = b.alloc(b.size);
  }
  const buffer = own ? b.alloc(need) : b.scratch;
  try {
    return bindInto(b, p, (db as { pointer: number }).pointer, values, buffer);
  } finally {
    if (own) b.free(buffer);
  }
}

function bindInto(b: Binder, p: number, dbp: number, values: readonly SqlValue[], buffer: number): boolean {
  let at = buffer;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = i + 1;
    let rc: number;
    if (v === null || v === undefined) rc = b.raw.sqlite3_bind_null(p, n);
    else if (typeof v === 'string') {
      // A fresh view each time: SQLite's copy of the previous value may have grown the memory,
      // which detaches views taken before.
      const heap = b.heap();
      let written = v.length <= ASCII_LOOP_MAX ? copyAscii(v, heap, at) : -1;
      if (written < 0) written = encoder.encodeInto(v, heap.subarray(at, at + v.length * 3)).written;
      rc = b.raw.sqlite3_bind_text(p, n, at, written, TRANSIENT);
      at += written;
    } else if (typeof v === 'number') {
      if ((v | 0) === v) rc = b.raw.sqlite3_bind_int(p, n, v);
      else if (!Number.isInteger(v)) rc = b.raw.sqlite3_bind_double(p, n, v);
      else if (Math.abs(v) < 2 ** 63) rc = b.raw.sqlite3_bind_int64(p, n, BigInt(v));
      else return false; // oo1 decides what an integral double past int64 becomes
    } else if (typeof v === 'boolean') rc = b.raw.sqlite3_bind_int(p, n, v ? 1 : 0);
    else if (typeof v === 'bigint') {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) return false; // oo1 refuses it with its own error
      rc = b.raw.sqlite3_bind_int64(p, n, v);
    }
    else if (v instanceof Uint8Array) {
      b.heap().set(v, at);
      rc = b.raw.sqlite3_bind_blob(p, n, at, v.byteLength, TRANSIENT);
      at += v.byteLength;
    } else return false; // not reached: the first loop sent other types to oo1
    if (rc) b.checkRc(dbp, rc);
  }
  return true;
}

/** Writes `s` at `at` as UTF-8 if it is all ASCII (one byte per unit) and says how many; -1 if not. */
function copyAscii(s: string, heap: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return -1;
    heap[at + i] = c;
  }
  return s.length;
}
