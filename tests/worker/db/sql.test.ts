import { describe, expect, it } from 'vitest';
import { inTransaction, run, selectRow, selectRows } from '../../../src/worker/db/sql';
import { count, memoryDb } from '../helpers';

describe('inTransaction', () => {
  it('nests as a savepoint: a failed inner step undoes only itself, a failed outer one undoes all', async () => {
    const db = await memoryDb();
    db.exec('CREATE TABLE t (v TEXT)');
    inTransaction(db, () => {
      db.exec("INSERT INTO t VALUES ('outer')");
      expect(() =>
        inTransaction(db, () => {
          db.exec("INSERT INTO t VALUES ('inner')");
          throw new Error('inner fails');
        }),
      ).toThrow('inner fails');
      inTransaction(db, () => db.exec("INSERT INTO t VALUES ('inner ok')"));
    });
    expect(db.selectValues('SELECT v FROM t ORDER BY rowid')).toEqual(['outer', 'inner ok']);

    expect(() =>
      inTransaction(db, () => {
        inTransaction(db, () => db.exec("INSERT INTO t VALUES ('lost')"));
        throw new Error('outer fails');
      }),
    ).toThrow('outer fails');
    expect(count(db, 'SELECT count(*) FROM t')).toBe(2);
    // The connection is usable again afterwards (no transaction left open).
    inTransaction(db, () => db.exec("INSERT INTO t VALUES ('after')"));
    expect(count(db, 'SELECT count(*) FROM t')).toBe(3);
  });
});

describe('cached statements (run/selectRow/selectRows)', () => {
  it('are reset after a failing step, so the same statement runs again, inside savepoints too', async () => {
    const db = await memoryDb();
    db.exec('CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT)');
    const insert = 'INSERT INTO u (k, v) VALUES (?, ?)';
    run(db, insert, ['a', '1']);
    expect(() => run(db, insert, ['a', '2'])).toThrow(/UNIQUE/);
    inTransaction(db, () => {
      run(db, insert, ['b', '2']);
      expect(() => inTransaction(db, () => run(db, insert, ['a', 'dup']))).toThrow(/UNIQUE/);
      run(db, insert, ['c', '3']);
    });
    expect(selectRows(db, 'SELECT k, v FROM u ORDER BY k')).toEqual([
      { k: 'a', v: '1' },
      { k: 'b', v: '2' },
      { k: 'c', v: '3' },
    ]);
    // A read stopped after its first row leaves no cursor open: a write and COMMIT still go through.
    expect(selectRow(db, 'SELECT k FROM u ORDER BY k')).toEqual({ k: 'a' });
    inTransaction(db, () => run(db, 'DELETE FROM u WHERE k = ?', ['c']));
    expect(selectRow(db, 'SELECT count(*) AS n FROM u')).toEqual({ n: 2 });
    expect(selectRow(db, 'SELECT k FROM u WHERE k = ?', ['zz'])).toBeUndefined();
    db.close();
  });
});
