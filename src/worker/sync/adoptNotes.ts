// After the account is deleted, the notes on this device are its own again, including those written
// on the account's other devices: only this device's own actions would reach a new account (the
// server takes a device's actions only under its own clientId). So each note that another device
// wrote to is written again here, as it is now, in one own action (a create carrying every field,
// then a delete for a note in the Trash): a new account then receives every note this device shows.
// Removed-for-good notes stay removed, and notes only this device wrote need nothing.

import { fieldNames, isCollectionName } from '../../sync/collections';
import { isVisible } from '../../sync/merge';
import { inTransaction } from '../db/sql';
import type { Store } from '../store/store';

/** Returns the entities written again. */
export function adoptForeignNotes(store: Store): string[] {
  return inTransaction(store.db, () => {
    const foreign = store.db.selectObjects('SELECT DISTINCT collection, entity_id FROM actions WHERE client_id <> ?', [store.clientId]);
    const adopted: string[] = [];
    for (const row of foreign) {
      const collection = String(row.collection);
      const entityId = String(row.entity_id);
      if (!isCollectionName(collection)) continue;
      const state = store.entity(collection, entityId);
      if (!state || state.purgedStamp !== null || state.createdStamp === null) continue;
      const payload: Record<string, string> = {};
      for (const f of fieldNames(collection)) payload[f] = state.fields[f] ?? '';
      store.applyLocal({ collection, entityId, type: 'create', payload });
      if (!isVisible(state)) store.applyLocal({ collection, entityId, type: 'delete' });
      adopted.push(entityId);
    }
    return adopted;
  });
}
