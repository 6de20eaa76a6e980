// Applying a parsed JSON export (exportFormat.ts) to this device, in one transaction: every note of
// the file lands, or none does. Notes keep their ids, so an import is idempotent:
// - a note new here is created with the file's id;
// - a note present with the same title and body is left alone (no action, nothing to sync);
// - a note present with other text gets one update of only the fields that differ;
// - a note in the Trash comes back (a restore action carrying the fields that differ);
// - a note removed for good stays removed: purge is final everywhere (merge.ts).
// Each write is an ordinary local action, so the import syncs like typing would.

import { isDeleted, type EntityState } from '../../sync/merge';
import type { ImportSummary } from '../api';
import type { NotesExport } from './exportFormat';
import { inTransaction } from '../db/sql';
import type { Store } from '../store/store';

const COLLECTION = 'notes';

export interface ImportResult {
  readonly summary: ImportSummary;
  /** Notes written (for the change event). */
  readonly changedIds: readonly string[];
}

function differingFields(current: EntityState, wanted: { title: string; body: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of ['title', 'body'] as const) {
    if ((current.fields[field] ?? '') !== wanted[field]) out[field] = wanted[field];
  }
  return out;
}

export function importNotes(store: Store, file: NotesExport): ImportResult {
  return inTransaction(store.db, () => {
    let created = 0;
    let updated = 0;
    let restored = 0;
    let unchanged = 0;
    let skipped = 0;
    const changedIds: string[] = [];
    for (const note of file.notes) {
      const id = note.id.toLowerCase();
      const current = store.entity(COLLECTION, id);
      const wanted = { title: note.title, body: note.body };
      if (!current || current.createdStamp === null) {
        store.applyLocal({ collection: COLLECTION, entityId: id, type: 'create', payload: wanted });
        created++;
      } else if (current.purgedStamp !== null) {
        skipped++;
        continue;
      } else if (isDeleted(current)) {
        store.applyLocal({ collection: COLLECTION, entityId: id, type: 'restore', payload: differingFields(current, wanted) });
        restored++;
      } else {
        const payload = differingFields(current, wanted);
        if (Object.keys(payload).length === 0) {
          unchanged++;
          continue;
        }
        store.applyLocal({ collection: COLLECTION, entityId: id, type: 'update', payload });
        updated++;
      }
      changedIds.push(id);
    }
    return { summary: { created, updated, restored, unchanged, skipped }, changedIds };
  });
}
