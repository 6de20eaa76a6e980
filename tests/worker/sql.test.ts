import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/worker/sql';
import { count, memoryDb } from './helpers';

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
