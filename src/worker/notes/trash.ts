// The Trash (issue 7): deleted notes, with Restore and removal for good. Every change is an
// ordinary action that syncs (DESIGN.md section 3, merge.ts):
// - restore: un-deletes when its stamp is greater than the delete's. It is stamped on this
//   device's clock, which is past every stamp this device has seen, so it wins over every delete
//   the user could see; a delete made later elsewhere still wins (the note goes back to the Trash).
// - purge: final. The text is dropped on every device and no later write brings it back.
// Each write is one transaction; a change event follows the commit.

import { isDeleted, isTrashed, type EntityState } from '../../sync/merge';
import { stampMs } from '../../sync/stamp';
import type { Note, TrashedNote } from '../api';
import { openConflictsOf, resolveConflict } from '../store/conflicts';
import { NotFoundError } from '../errors';
import { getNote, snippetOf } from './noteQueries';
import type { NotesService } from './notesService';
import { inTransaction, text, textOrNull, type Db } from '../db/sql';
import type { Store } from '../store/store';
import { NoteIdSchema, parseInput, ActionIdOptionsSchema } from '../validation';

const COLLECTION = 'notes';
const SNIPPET_SOURCE_CHARS = 400;

/** The trash condition of merge.ts isTrashed, in SQL; the first terms match the notes_in_trash index. */
const IN_TRASH = `visible = 0 AND deleted_stamp IS NOT NULL AND purged_stamp IS NULL
  AND created_stamp IS NOT NULL AND (restored_stamp IS NULL OR deleted_stamp > restored_stamp)`;

export function listTrash(db: Db): TrashedNote[] {
  return db
    .selectObjects(
      `SELECT id, title, substr(body, 1, ${SNIPPET_SOURCE_CHARS}) AS head, deleted_stamp
       FROM notes WHERE ${IN_TRASH}
       ORDER BY deleted_stamp DESC, id DESC`,
    )
    .map((r) => ({
      id: text(r, 'id'),
      title: textOrNull(r, 'title') ?? '',
      snippet: snippetOf(textOrNull(r, 'head') ?? ''),
      deletedAt: stampMs(text(r, 'deleted_stamp')),
    }));
}

function trashedIds(db: Db): string[] {
  return db.selectValues(`SELECT id FROM notes WHERE ${IN_TRASH} ORDER BY deleted_stamp, id`).map(String);
}

export class TrashService {
  constructor(private readonly notes: NotesService) {}

  async list(): Promise<TrashedNote[]> {
    return listTrash((await this.notes.store()).db);
  }

  async restore(id: string, options?: { readonly actionId?: string }): Promise<Note> {
    const noteId = parseInput(NoteIdSchema, id, 'id');
    const o = parseInput(ActionIdOptionsSchema, options ?? {}, 'options');
    const store = await this.notes.store();
    const current = store.entity(COLLECTION, noteId);
    if (!current || current.createdStamp === null) throw new NotFoundError('There is no such note.');
    if (current.purgedStamp !== null) throw new NotFoundError('This note was removed for good, so it cannot be restored.');
    if (isDeleted(current)) {
      const r = await this.notes.write(() =>
        inTransaction(store.db, () => {
          const written = store.applyLocal({ collection: COLLECTION, entityId: noteId, type: 'restore', payload: {}, actionId: o.actionId });
          if (written.state) resolveAnsweredDeletions(store.db, written.state);
          return written;
        }),
      );
      if (!r.duplicate) this.notes.localWriteDone([noteId]);
    }
    const note = getNote(store.db, noteId);
    if (!note) throw new NotFoundError('This note was deleted again, so it is still in the Trash.');
    return note;
  }

  async purge(id: string, options?: { readonly actionId?: string }): Promise<void> {
    const noteId = parseInput(NoteIdSchema, id, 'id');
    const o = parseInput(ActionIdOptionsSchema, options ?? {}, 'options');
    const store = await this.notes.store();
    const current = store.entity(COLLECTION, noteId);
    if (o.actionId !== undefined && store.hasAction(o.actionId)) return;
    if (!current || !isTrashed(current)) throw new NotFoundError('This note is not in the Trash.');
    await this.notes.write(() => purgeOne(store, noteId, o.actionId));
    this.notes.localWriteDone([noteId]);
  }

  async empty(): Promise<{ readonly purged: number }> {
    const store = await this.notes.store();
    const ids = await this.notes.write(() =>
      inTransaction(store.db, () => {
        const all = trashedIds(store.db);
        for (const id of all) purgeOne(store, id, undefined);
        return all;
      }),
    );
    if (ids.length > 0) this.notes.localWriteDone(ids);
    return { purged: ids.length };
  }
}

function purgeOne(store: Store, id: string, actionId: string | undefined): void {
  inTransaction(store.db, () => {
    store.applyLocal({ collection: COLLECTION, entityId: id, type: 'purge', actionId });
    // Lost edits of a note removed for good cannot be put back into it.
    for (const c of openConflictsOf(store.db, COLLECTION, id)) resolveConflict(store.db, c.id);
  });
}

/**
 * After a restore, a lost-to-a-delete conflict whose text is what the note shows again has been
 * answered: the user has their text back, so it leaves the Conflicts region.
 */
function resolveAnsweredDeletions(db: Db, state: EntityState): void {
  for (const c of openConflictsOf(db, COLLECTION, state.id)) {
    if (c.kind === 'deleted' && state.fields[c.field] === c.lostValue) resolveConflict(db, c.id);
  }
}
