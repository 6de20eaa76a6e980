// Migration v6: a v5 database (the previous app's) opens with its log and rows as they were, the
// entity index replaced by actions_by_entity_key, and the queries that read an entity's settled
// actions (pruning under a snapshot, compaction's count since the last snapshot) answer as before,
// through the new index.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction, type EntityState } from '../../../src/sync/merge';
import { encodeSnapshot } from '../../../src/sync/snapshot';
import { migrate, migrations, schemaVersion } from '../../../src/worker/db/migrations';
import { appendAction } from '../../../src/worker/store/actionLog';
import { entitiesDue } from '../../../src/worker/store/compaction';
import { saveEntity } from '../../../src/worker/store/entityRows';
import { pruneCoveredBy } from '../../../src/worker/store/page/pageSnapshots';
import { Store } from '../../../src/worker/store/store';
import { count, fakeClock, idMaker, memoryDb, uuidFor } from '../helpers';

const OTHER = uuidFor('0b000000', 1);
const ME = uuidFor('0c000000', 1);
const A = uuidFor('0198a100', 1);
const B = uuidFor('0198a100', 2);
let n = 0;

function act(entityId: string, type: Action['type'], rest: Partial<Action> = {}): Action {
  n++;
  const payload: Record<string, string> = type === 'create' ? { title: `t${n}`, body: `b${n}` } : type === 'update' ? { title: `t${n}` } : {};
  return { id: uuidFor('0198b000', n), collection: 'notes', entityId, type, payload, hlc: formatHlc({ ms: 1_750_000_000_000 + n, counter: 0, node: OTHER }), clientId: OTHER, ...rest };
}

describe('migration v6', () => {
  it('opens a v5 database with the same log and rows, its entities found through actions_by_entity_key', async () => {
    const db = await memoryDb();
    migrate(db, migrations.slice(0, 5));
    expect(schemaVersion(db)).toBe(5);
    db.exec({ sql: `INSERT INTO meta (key, value) VALUES ('client_id', ?), ('hlc', ?)`, bind: [ME, formatHlc({ ms: 1_750_000_000_100, counter: 0, node: ME })] });
    // As the v5 app logged them: A pulled (two actions, then a snapshot of them), B pulled, and one
    // of ours on A still pending.
    const states = new Map<string, EntityState>();
    const log = (a: Action, status: 'acked' | 'pending', seq: number | null) => {
      appendAction(db, a, status, seq);
      const merged = mergeAction(states.get(a.entityId), a, ME);
      if (merged.changed) states.set(a.entityId, merged.state);
    };
    log(act(A, 'create'), 'acked', 1);
    log(act(A, 'update'), 'acked', 2);
    log(act(B, 'create'), 'acked', 3);
    log(act(B, 'update'), 'acked', 4);
    const snapshot = act(A, 'snapshot', { basis: 2, state: encodeSnapshot({ state: states.get(A)!, seen: {}, deleteSeen: {} }) });
    log(snapshot, 'acked', 5);
    log(act(A, 'update', { clientId: ME, hlc: formatHlc({ ms: 1_750_000_000_050, counter: 0, node: ME }) }), 'pending', null);
    for (const s of states.values()) saveEntity(db, 'notes', s);
    const actionsBefore = db.selectObjects('SELECT * FROM actions ORDER BY local_seq');
    const notesBefore = db.selectObjects('SELECT * FROM notes ORDER BY doc');

    Store.open(db, { now: fakeClock(1_750_000_001_000).now, newId: idMaker('0198d000') });
    expect(schemaVersion(db)).toBe(6);
    expect(count(db, `SELECT count(*) FROM sqlite_schema WHERE name = 'actions_settled_by_entity'`)).toBe(0);
    expect(count(db, `SELECT count(*) FROM sqlite_schema WHERE name = 'actions_by_entity_key'`)).toBe(1);
    expect(db.selectObjects('SELECT * FROM actions ORDER BY local_seq')).toEqual(actionsBefore);
    expect(db.selectObjects('SELECT * FROM notes ORDER BY doc')).toEqual(notesBefore);

    // B has two settled actions and no snapshot; A has a pending one (never due).
    expect(entitiesDue(db, 2, [A, B])).toEqual([{ collection: 'notes', entityId: B }]);
    expect(entitiesDue(db, 3, [A, B])).toEqual([]);
    // The snapshot covers A's first two actions, nothing of B's, never the pending one.
    expect(pruneCoveredBy(db, [snapshot.id], ME)).toBe(2);
    expect(db.selectValues(`SELECT server_seq FROM actions ORDER BY local_seq`)).toEqual([3, 4, 5, null]);
    expect(db.selectObject(`EXPLAIN QUERY PLAN DELETE FROM actions WHERE coalesce(unhex(substr(entity_id, -8)), entity_id) = coalesce(unhex(substr(?2, -8)), ?2) AND collection = ?1 AND entity_id = ?2 AND status != 'pending' AND status = 'acked'`)?.detail).toMatch(/USING INDEX actions_by_entity_key/);
    db.close();
  });
});
