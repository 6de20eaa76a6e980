// Schema v4 (text edits) opens what the app before it left: bodies are bases already, the log keeps
// its order and its pending work, and two upgraded devices editing one old note merge their edits
// into it without duplicating its text.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction } from '../../../src/sync/merge';
import { migrate, migrations, schemaVersion } from '../../../src/worker/db/migrations';
import { findAction, listPendingActions } from '../../../src/worker/store/actionLog';
import { getNote } from '../../../src/worker/notes/noteQueries';
import { Store } from '../../../src/worker/store/store';
import { fakeClock, idMaker, memoryDb } from '../helpers';
import { reopen, snapshot } from '../syncHelpers';
import { insertLegacyAction, insertLegacyNote } from './legacyRows';

const CLIENT = '0198a000-0000-7000-8000-000000000001';
const NOTE = '0198a000-0000-7000-8000-0000000000aa';
const OLD_BODY = 'Groceries:\nmilk\neggs';

async function v3Database() {
  const db = await memoryDb();
  migrate(db, migrations.slice(0, 3));
  db.exec({ sql: `INSERT INTO meta (key, value) VALUES ('client_id', ?)`, bind: [CLIENT] });
  const create: Action = {
    id: '0198a000-0000-7000-8000-0000000000b1',
    collection: 'notes',
    entityId: NOTE,
    type: 'create',
    payload: { title: 'List', body: OLD_BODY },
    hlc: formatHlc({ ms: 1_750_000_000_000, counter: 0, node: CLIENT }),
    clientId: CLIENT,
  };
  const retitle: Action = { ...create, id: '0198a000-0000-7000-8000-0000000000b2', type: 'update', payload: { title: 'Shopping' }, hlc: formatHlc({ ms: 1_750_000_000_001, counter: 0, node: CLIENT }) };
  insertLegacyAction(db, create, 'acked', 1);
  insertLegacyAction(db, retitle, 'pending');
  insertLegacyNote(db, mergeAction(mergeAction(undefined, create).state, retitle).state);
  return db;
}

describe('schema v4: text edits over a database of the previous version', () => {
  it('keeps every note, the log and its pending actions', async () => {
    const db = await v3Database();
    expect(schemaVersion(db)).toBe(3);
    const store = Store.open(db, { now: fakeClock(1_750_000_100_000).now, newId: idMaker('0198e000') });
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(getNote(db, NOTE)).toMatchObject({ title: 'Shopping', body: OLD_BODY });
    expect(listPendingActions(db, 10).map((a) => a.payload)).toEqual([{ title: 'Shopping' }]);
    expect(findAction(db, '0198a000-0000-7000-8000-0000000000b1')).toMatchObject({ status: 'acked', serverSeq: 1 });
    // The old body is a base: an edit on it is a Yjs update on its seed, not a replace.
    const r = store.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', textEdits: { body: { from: OLD_BODY, to: `${OLD_BODY}\nbread` } } });
    expect(r.action.payload).toEqual({});
    expect(r.action.edits?.body?.base).toBe(store.entity('notes', NOTE)?.stamps.body);
    expect(getNote(db, NOTE)?.body).toBe(`${OLD_BODY}\nbread`);
  });

  it('lets two upgraded devices edit one old note and converge without duplicating its text', async () => {
    const bytes = await snapshot(await v3Database());
    const devices = [];
    for (const [i, prefix] of ['0198f001', '0198f002'].entries()) {
      const db = await reopen(bytes);
      // Each device has its own client id (the copy is of the note, not of the device).
      db.exec({ sql: `UPDATE meta SET value = ? WHERE key = 'client_id'`, bind: [`0198a000-0000-7000-8000-00000000000${i + 2}`] });
      devices.push(Store.open(db, { now: fakeClock(1_750_000_200_000 + i).now, newId: idMaker(prefix) }));
    }
    const [a, b] = devices as [Store, Store];
    const ea = a.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', textEdits: { body: { from: OLD_BODY, to: OLD_BODY.replace('Groceries', 'Groceries for Sunday') } } });
    const eb = b.applyLocal({ collection: 'notes', entityId: NOTE, type: 'update', textEdits: { body: { from: OLD_BODY, to: `${OLD_BODY}\nbutter` } } });
    a.applyRemote([{ ...eb.action, seq: 3 }]);
    b.applyRemote([{ ...ea.action, seq: 2 }]);
    const expected = 'Groceries for Sunday:\nmilk\neggs\nbutter';
    expect(getNote(a.db, NOTE)?.body).toBe(expected);
    expect(getNote(b.db, NOTE)?.body).toBe(expected);
    expect(a.openConflicts()).toEqual([]);
    expect(b.openConflicts()).toEqual([]);
  });
});
