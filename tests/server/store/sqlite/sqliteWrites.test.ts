// Group commit on the SQLite writer: pushes that arrive together share a transaction, each in a
// savepoint, each answered only after the COMMIT; one that fails is rolled back alone.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_GROUP, SqliteWrites } from '../../../../src/server/store/sqlite/sqliteWrites';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function openFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-writes-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
  return { db, file };
}

/** Counts COMMITs the queue issues. */
function counting(db: Database.Database) {
  const commits = { n: 0 };
  const conn = {
    exec: (sql: string) => {
      if (sql === 'COMMIT') commits.n++;
      return db.exec(sql);
    },
    get inTransaction() {
      return db.inTransaction;
    },
  };
  return { conn, commits };
}

describe('SqliteWrites', () => {
  it('commits the writes of one turn together, and rolls back only the one that failed', async () => {
    const { db, file } = openFile();
    const { conn, commits } = counting(db);
    const writes = new SqliteWrites(conn);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      writes.grouped(() => insert.run(1).changes),
      writes.grouped(() => {
        insert.run(2);
        throw new Error('this push fails');
      }),
      writes.grouped(async () => {
        await Promise.resolve();
        return insert.run(3).changes;
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(commits.n).toBe(1);
    db.close();
    // What was answered is on disk: another connection reads it after the first closed.
    const again = new Database(file, { readonly: true });
    expect(again.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 3]);
    again.close();
  });

  it('answers a write only after its COMMIT, so a reader sees what it was told', async () => {
    const { db, file } = openFile();
    const reader = new Database(file, { readonly: true });
    const writes = new SqliteWrites(db);
    const seen = await Promise.all(
      [1, 2].map((v) =>
        writes.grouped(() => db.prepare('INSERT INTO t (v) VALUES (?)').run(v)).then(() => reader.prepare('SELECT count(*) FROM t WHERE v = ?').pluck().get(v)),
      ),
    );
    expect(seen).toEqual([1, 1]);
    reader.close();
    db.close();
  });

  it('runs transactions of their own in order with the groups, and splits groups past MAX_GROUP', async () => {
    const { db } = openFile();
    const { conn, commits } = counting(db);
    const writes = new SqliteWrites(conn);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const all = Array.from({ length: MAX_GROUP + 1 }, (_, i) => writes.grouped(() => insert.run(i + 1)));
    const own = writes.transaction(() => db.prepare('SELECT count(*) FROM t').pluck().get());
    await Promise.all(all);
    expect(commits.n).toBeGreaterThanOrEqual(2);
    expect(await own).toBeGreaterThanOrEqual(0);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(MAX_GROUP + 1);
    db.close();
  });

  it('a failure that ends the transaction fails the whole group, and the queue goes on', async () => {
    const { db } = openFile();
    const writes = new SqliteWrites(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      writes.grouped(() => insert.run(1)),
      writes.grouped(() => {
        db.exec('ROLLBACK');
        throw new Error('the transaction is gone');
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await writes.grouped(() => insert.run(2));
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual([2]);
    db.close();
  });
});
