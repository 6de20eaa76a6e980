// The Conflicts region's API: edits this device lost (DESIGN.md section 3), with a way back.
// Restoring is a new local action, stamped after everything this device has seen, so it wins:
// - a lost value of a note that still exists comes back as an update whose base is the current
//   stamp (the user saw the winner and chose their text over it, so it is not a new conflict);
// - a note deleted elsewhere comes back with a `restore` action carrying the lost value, and the
//   other fields lost to the same delete (merge.ts un-deletes on a restore stamped after the delete).
// The action and the conflict's resolution commit together.

import * as v from 'valibot';
import { isTextField } from '../../sync/collections';
import { isDeleted } from '../../sync/merge';
import { UUID_PATTERN } from '../../sync/protocol';
import type { ConflictEntry } from '../api';
import { findConflict, listOpenConflicts, openConflictsOf, resolveConflict, type StoredConflict } from '../store/conflicts';
import { NotFoundError } from '../errors';
import type { NotesService } from './notesService';
import { inTransaction, selectRow, textOrNull } from '../db/sql';
import { parseInput } from '../validation';

const ConflictIdSchema = v.pipe(v.number('must be a number'), v.integer(), v.minValue(1));
const RestoreOptionsSchema = v.strictObject({ actionId: v.optional(v.pipe(v.string(), v.regex(UUID_PATTERN, 'must be a UUID'))) });
const COLLECTION = 'notes';

export class ConflictService {
  constructor(private readonly notes: NotesService) {}

  async list(): Promise<ConflictEntry[]> {
    const { db } = await this.notes.store();
    const titles = new Map<string, string>();
    const titleOf = (entityId: string): string => {
      let t = titles.get(entityId);
      if (t === undefined) {
        const row = selectRow(db, 'SELECT title FROM notes WHERE id = ?', [entityId]);
        t = row ? (textOrNull(row, 'title') ?? '') : '';
        titles.set(entityId, t);
      }
      return t;
    };
    return listOpenConflicts(db)
      .filter((c) => c.collection === COLLECTION)
      .map((c) => ({
        id: c.id,
        entityId: c.entityId,
        noteTitle: titleOf(c.entityId),
        field: c.field,
        kind: c.kind,
        lostValue: c.lostValue,
        createdAt: c.createdAt,
      }));
  }

  async restore(id: number, options?: { readonly actionId?: string }): Promise<void> {
    const conflictId = parseInput(ConflictIdSchema, id, 'id');
    const o = parseInput(RestoreOptionsSchema, options ?? {}, 'options');
    const store = await this.notes.store();
    const c = findConflict(store.db, conflictId);
    if (!c) throw new NotFoundError('There is no such conflict.');
    if (c.resolved) return;
    const entity = store.entity(COLLECTION, c.entityId);
    if (!entity || entity.purgedStamp !== null) throw new NotFoundError('This note was removed for good, so the text cannot be put back into it.');

    const restored = await this.notes.write(() =>
      inTransaction(store.db, () => {
        const deleted = isDeleted(entity);
        const answered = deleted ? withOtherLostFields(c, openConflictsOf(store.db, COLLECTION, c.entityId)) : [c];
        // A text field lost to a delete is still merged under it: bringing the note back shows it,
        // with what other devices typed meanwhile. Writing the lost text as a replace would drop theirs.
        const written = answered.filter((x) => !(deleted && x.kind === 'deleted' && isTextField(COLLECTION, x.field)));
        const payload = Object.fromEntries(written.map((x) => [x.field, x.lostValue]));
        const r = store.applyLocal({
          collection: COLLECTION,
          entityId: c.entityId,
          type: isDeleted(entity) ? 'restore' : 'update',
          payload,
          base: Object.fromEntries(written.map((x) => [x.field, entity.stamps[x.field] ?? ''])),
          actionId: o.actionId,
        });
        for (const x of answered) resolveConflict(store.db, x.id);
        // The same text lost again (the editor sent its failed save once more) is answered too.
        const restoredText = new Map(answered.map((x) => [x.field, x.lostValue]));
        for (const x of openConflictsOf(store.db, COLLECTION, c.entityId)) {
          if (restoredText.get(x.field) === x.lostValue) resolveConflict(store.db, x.id);
        }
        return !r.duplicate;
      }),
    );
    if (restored) this.notes.localWriteDone([c.entityId]);
  }

  async dismiss(id: number): Promise<void> {
    const conflictId = parseInput(ConflictIdSchema, id, 'id');
    const store = await this.notes.store();
    const c = findConflict(store.db, conflictId);
    if (!c) throw new NotFoundError('There is no such conflict.');
    resolveConflict(store.db, conflictId);
    // Other tabs re-list their Conflicts, and the status's conflict count follows.
    this.notes.localWriteDone([c.entityId], false);
  }
}

/** The chosen loss, plus the latest loss of each other field to a delete: a restore brings them all back. */
function withOtherLostFields(chosen: StoredConflict, open: readonly StoredConflict[]): StoredConflict[] {
  const byField = new Map<string, StoredConflict>([[chosen.field, chosen]]);
  for (const c of open) {
    if (c.kind !== 'deleted' || c.field === chosen.field) continue;
    const prev = byField.get(c.field);
    if (!prev || c.lostStamp > prev.lostStamp) byField.set(c.field, c);
  }
  return [...byField.values()];
}
