import { describe, expect, it } from 'vitest';
import { materializedState, rebuildFromLog, replayLog } from '../../../src/worker/store/replay';
import { canonicalStates, openStore, uuidFor } from '../helpers';

describe('replay', () => {
  it('rebuilds the materialized tables from the log, in one transaction', async () => {
    const store = await openStore();
    const a = uuidFor('0f000000', 1);
    const b = uuidFor('0f000000', 2);
    store.applyLocal({ collection: 'notes', entityId: a, type: 'create', payload: { title: 'A', body: '' } });
    store.applyLocal({ collection: 'notes', entityId: b, type: 'create', payload: { title: 'B', body: '' } });
    store.applyLocal({ collection: 'notes', entityId: a, type: 'update', payload: { body: 'text' } });
    store.applyLocal({ collection: 'notes', entityId: b, type: 'delete' });
    const good = canonicalStates(materializedState(store.db));
    expect(canonicalStates(replayLog(store.db))).toBe(good);

    store.db.exec(`UPDATE notes SET title = 'damaged'; DELETE FROM notes WHERE id = '${b}'`);
    rebuildFromLog(store.db);
    expect(canonicalStates(materializedState(store.db))).toBe(good);
  });
});
