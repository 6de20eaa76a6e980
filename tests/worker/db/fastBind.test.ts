// fastBind.ts binds values straight into sqlite-wasm: every value must reach SQLite as exactly what
// oo1's Stmt.bind() makes of it (type and bytes), whatever its size, including when SQLite's copy
// grows the wasm memory in the middle of a call.

import fc from 'fast-check';
import type { SqlValue } from '@sqlite.org/sqlite-wasm';
import { describe, expect, it } from 'vitest';
import { bindFast } from '../../../src/worker/db/fastBind';
import { memoryDb } from '../helpers';
import type { Db } from '../../../src/worker/db/sql';

/** What SQLite holds for each bound value: its type and its bytes, as SQL sees them. */
function stored(db: Db, values: readonly SqlValue[], fast: boolean): string[] {
  const stmt = db.prepare(`SELECT json_array(${values.map((_, i) => `typeof(?${i + 1}), hex(?${i + 1})`).join(', ')})`);
  try {
    // As sql.ts does: what bindFast declines, oo1 binds.
    if (!fast || !bindFast(stmt, values)) stmt.bind([...values]);
    expect(stmt.step()).toBe(true);
    return JSON.parse(String(stmt.get(0))) as string[];
  } finally {
    stmt.finalize();
  }
}

const value: fc.Arbitrary<SqlValue> = fc.oneof(
  fc.constant(null),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 20 }), // lone surrogates included
  // ASCII copied by hand up to 1,024 units (fastBind.ts), then a character that is not: encodeInto
  // writes the whole string again.
  fc.tuple(fc.string({ unit: 'binary-ascii', maxLength: 1_100 }), fc.string({ unit: 'grapheme', maxLength: 3 })).map(([ascii, rest]) => ascii + rest),
  fc.string({ minLength: 1_000, maxLength: 1_100 }),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true }),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.uint8Array({ maxLength: 40 }),
);

describe('bindFast', () => {
  it('binds every value as oo1 does (property)', async () => {
    const db = await memoryDb();
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), (values) => {
        expect(stored(db, values, true)).toEqual(stored(db, values, false));
      }),
      { numRuns: 300 },
    );
  });

  it('edge values: empty text and blob stay empty (not NULL), undefined and booleans as oo1 binds them', async () => {
    const db = await memoryDb();
    const values = ['', new Uint8Array(0), 2 ** 31, -(2 ** 31) - 1, 0.5, -0, Number.MAX_SAFE_INTEGER, 'é😀'];
    expect(stored(db, values, true)).toEqual(stored(db, values, false));
    expect(stored(db, ['', new Uint8Array(0)], true)).toEqual(['text', '', 'blob', '']);
    const row = db.prepare('SELECT typeof(?1), ?1, typeof(?2), ?2');
    try {
      expect(bindFast(row, [undefined as unknown as SqlValue, true as unknown as SqlValue])).toBe(true);
      row.step();
      expect([row.get(0), row.get(1), row.get(2), row.get(3)]).toEqual(['null', null, 'integer', 1]);
    } finally {
      row.finalize();
    }
  });

  it('values large enough to grow the wasm memory mid-call arrive whole', async () => {
    const db = await memoryDb();
    db.exec('CREATE TABLE t (a TEXT, b BLOB, c TEXT)');
    const a = 'a'.repeat(9_000_000);
    const b = new Uint8Array(7_000_000).fill(7);
    const c = 'ü'.repeat(3_000_000);
    const stmt = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
    try {
      expect(bindFast(stmt, [a, b, c])).toBe(true);
      stmt.step();
    } finally {
      stmt.finalize();
    }
    const r = db.selectArray("SELECT length(a), a = ?, length(b), b = ?, length(c), c = ? FROM t", [a, b, c]);
    expect(r).toEqual([a.length, 1, b.length, 1, c.length, 1]);
  });

  it('declines what it does not bind (the caller then uses oo1): a count mismatch, other types, integers past int64', async () => {
    const db = await memoryDb();
    const stmt = db.prepare('SELECT ?, ?');
    try {
      expect(bindFast(stmt, ['one'])).toBe(false);
      expect(bindFast(stmt, ['one', new Int8Array(2)])).toBe(false);
      expect(bindFast(stmt, ['one', 2 ** 64])).toBe(false);
      expect(bindFast(stmt, ['one', 2n ** 63n])).toBe(false);
      expect(bindFast(stmt, ['one', 2])).toBe(true);
    } finally {
      stmt.finalize();
    }
  });
});
