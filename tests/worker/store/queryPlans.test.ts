// A pulled page costs the same into any history: no statement on Store.applyRemote's path (nor on
// acknowledging a push) scans the log or a collection's table. Every statement the path prepares is
// recorded and its plan read back with EXPLAIN QUERY PLAN.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { encodeSnapshot } from '../../../src/sync/snapshot';
import { makeEdit } from '../../../src/sync/text/yjsText';
import { finalizeStatements, type Db } from '../../../src/worker/db/sql';
import { Store } from '../../../src/worker/store/store';
import { workerSyncStore } from '../../../src/worker/sync/syncStore';
import { fakeClock, idMaker, memoryDb, uuidFor } from '../helpers';

const OTHER = uuidFor('0b000000', 1);
const NOTE = uuidFor('e0000000', 1);

/** The SQL of every statement run on `db` while `fn` runs (the statement cache emptied first). */
function preparedDuring(db: Db, fn: () => void): string[] {
  finalizeStatements(db);
  const seen = new Set<string>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    seen.add(sql);
    return prepare(sql);
  }) as Db['prepare'];
  try {
    fn();
  } finally {
    db.prepare = prepare;
  }
  return [...seen];
}

/**
 * Plan lines that read a whole table of ours (json_each, the page itself, is fine to scan; so is
 * the last row in rowid order, which SQLite plans as a SCAN that stops at its first row).
 */
function scans(db: Db, sql: string): string[] {
  if (/^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql)) return [];
  // Each read of the last row in rowid order plans as one SCAN actions that stops at its first row.
  let lastRowReads = (sql.match(/FROM actions ORDER BY local_seq DESC LIMIT 1\b/gi) ?? []).length;
  return db
    .selectObjects(`EXPLAIN QUERY PLAN ${sql}`)
    .map((r) => String(r.detail))
    .filter((d) => /^SCAN (actions|notes|conflicts|meta)\b/.test(d) && !/USING (COVERING )?INDEX/.test(d))
    .filter((d) => !(d === 'SCAN actions' && lastRowReads-- > 0));
}

function act(n: number, rest: Partial<Action> & Pick<Action, 'type' | 'payload'>): Action {
  return { id: uuidFor('ac000000', n), collection: 'notes', entityId: NOTE, hlc: formatHlc({ ms: 1_750_000_000_000 + n, counter: 0, node: OTHER }), clientId: OTHER, ...rest };
}

describe('the pulled-page path reads by key only', () => {
  it('applyRemote and markAcknowledged never scan a table', async () => {
    const db = await memoryDb();
    const store = Store.open(db, { now: fakeClock().now, newId: idMaker('c0ffee00') });
    const create = act(1, { type: 'create', payload: { title: 't', body: 'hello' } });
    const base = `${create.hlc}|${create.id}`;
    const edit = act(2, { type: 'update', payload: {}, edits: { body: { base, update: makeEdit({ key: 'k', baseStamp: base, baseText: 'hello', doc: null }, [{ index: 5, deleteCount: 0, insert: '!' }]).update } } });
    store.applyRemote([{ ...create, seq: 1 }]);
    const local = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', payload: { title: 'mine' } }).action;
    const entity = store.entity('notes', NOTE)!;
    const snapshot = act(3, { type: 'snapshot', payload: {}, basis: 2, state: encodeSnapshot({ state: entity, seen: {}, deleteSeen: {} }) });
    const sync = workerSyncStore(store, () => {});

    const sqls = preparedDuring(db, () => {
      store.applyRemote([{ ...edit, seq: 2 }, { ...local, seq: 3 }, { ...snapshot, seq: 4 }, { ...act(4, { type: 'delete', payload: {} }), seq: 5 }, { ...edit, seq: 2 }, { ...act(5, { type: 'create', payload: { title: 'b', body: 'b' }, entityId: uuidFor('e0000000', 2) }), seq: 6 }], {
        cursor: 6,
        serverTime: 1_750_000_000_100,
      });
    });
    const acked = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'restore', payload: {} }).action;
    sqls.push(...preparedDuring(db, () => void sync.markAcknowledged([acked.id, snapshot.id])));

    expect(sqls.filter((s) => /FROM jsonb?_each|jsonb?_each\(\?\) j/.test(s)).length).toBeGreaterThanOrEqual(6);
    if (process.env.SHOW_PLANS) for (const s of sqls) console.log(s, db.selectObjects(`EXPLAIN QUERY PLAN ${s}`));
    for (const sql of sqls) expect({ sql, scans: scans(db, sql) }).toEqual({ sql, scans: [] });
    db.close();
  });
});
