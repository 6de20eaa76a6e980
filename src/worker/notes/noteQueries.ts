// What the UI reads: notes from the materialized table only (never the log), deleted and purged
// notes hidden (the `visible` column, written from merge.ts isVisible), newest change first.

import { fieldStamp, isVisible, lastChangedStamp, type EntityState } from '../../sync/entity';
import { maxStamp, stampMs } from '../../sync/stamp';
import type { Note, NoteSummary } from '../api';
import type { NoteForExport } from '../files/exportFormat';
import { int, selectRow, selectRows, text, textOrNull, type Db, type Row } from '../db/sql';
import { SNIPPET_SOURCE_CHARS, snippetOf } from '../../sync/snippet';

export { snippetOf };

const hasPending = `EXISTS (SELECT 1 FROM actions a INDEXED BY actions_pending_by_entity WHERE a.collection = 'notes' AND a.entity_id = notes.id AND a.status = 'pending' AND a.type != 'snapshot')`;

const summaryColumns = `id, title, substr(body, 1, ${SNIPPET_SOURCE_CHARS}) AS head, changed_stamp, ${hasPending} AS pending`;

function rowToSummary(r: Row): NoteSummary {
  return {
    id: text(r, 'id'),
    title: textOrNull(r, 'title') ?? '',
    snippet: snippetOf(textOrNull(r, 'head') ?? ''),
    changedAt: stampMs(text(r, 'changed_stamp')),
    pending: int(r, 'pending') === 1,
  };
}

/**
 * The newest `limit` visible notes (all without one): a first screen need not wait for the rest.
 * The rows leave SQLite as one JSON array: reading 10,000 rows column by column through the wasm
 * boundary cost three times the query itself, one string and JSON.parse a fraction of it. The
 * order comes from notes_visible_by_change (changed_stamp, id), so no sort either.
 */
export function listNotes(db: Db, limit?: number): NoteSummary[] {
  // Only the start of each body leaves SQLite: a list of long notes stays cheap to read.
  // The LIMIT (-1: none) is what keeps the subquery's ORDER BY: SQLite may drop the ORDER BY of a
  // subquery without one, and json_group_array adds rows in the order the subquery gives them.
  const row = selectRow(
    db,
    `SELECT json_group_array(json_array(id, title, head, changed_stamp, pending)) AS rows FROM (
       SELECT ${summaryColumns} FROM notes WHERE visible = 1 ORDER BY changed_stamp DESC, id DESC LIMIT ?)`,
    [limit ?? -1],
  );
  const rows = JSON.parse(row === undefined ? '[]' : text(row, 'rows')) as [string, string | null, string | null, string, number][];
  return rows.map(([id, title, head, changed, pending]) => ({
    id,
    title: title ?? '',
    snippet: snippetOf(head ?? ''),
    changedAt: stampMs(changed),
    pending: pending === 1,
  }));
}

/** The list rows of the notes `ids` that are visible (any order); the others are not listed. */
export function noteSummaries(db: Db, ids: readonly string[]): NoteSummary[] {
  if (ids.length === 0) return [];
  return selectRows(db, `SELECT ${summaryColumns} FROM notes WHERE id IN (SELECT value FROM json_each(?)) AND visible = 1`, [
    JSON.stringify(ids),
  ]).map(rowToSummary);
}

function rowToNote(r: Row): Note {
  const stamps: Record<string, string> = {};
  const titleStamp = textOrNull(r, 'title_stamp');
  // The body's latest write: its base, or the last edit on it (what a replace says it had seen).
  const bodyStamp = maxStamp(textOrNull(r, 'body_stamp'), textOrNull(r, 'body_edited'));
  if (titleStamp !== null) stamps.title = titleStamp;
  if (bodyStamp !== null) stamps.body = bodyStamp;
  return {
    id: text(r, 'id'),
    title: textOrNull(r, 'title') ?? '',
    body: textOrNull(r, 'body') ?? '',
    createdAt: stampMs(text(r, 'created_stamp')),
    changedAt: stampMs(text(r, 'changed_stamp')),
    stamps,
    pending: int(r, 'pending') === 1,
  };
}

/** A visible note, or null when it does not exist or is deleted. */
export function getNote(db: Db, id: string): Note | null {
  // Through the statement cache: compiling this query took ~0.4 ms of a read round trip's ~1 ms
  // (the app, headless Chromium, after 5 ms idle), four times its run.
  const r = selectRow(
    db,
    `SELECT id, title, body, title_stamp, body_stamp, body_edited, created_stamp, changed_stamp, ${hasPending} AS pending
     FROM notes WHERE id = ? AND visible = 1`,
    [id],
  );
  return r ? rowToNote(r) : null;
}

/**
 * The note as getNote would read it, from the state a local write has just saved (its row holds
 * exactly this: entityRows.ts), so the answer to a write needs no read after it. Null when not
 * visible. `pending` is the caller's: true right after a local write appended its action.
 */
export function noteOfState(s: EntityState, pending: boolean): Note | null {
  if (!isVisible(s) || s.createdStamp === null) return null;
  const stamps: Record<string, string> = {};
  const titleStamp = fieldStamp(s, 'title');
  const bodyStamp = fieldStamp(s, 'body');
  if (titleStamp !== undefined) stamps.title = titleStamp;
  if (bodyStamp !== undefined) stamps.body = bodyStamp;
  const field = (name: string): string => {
    const value = s.fields[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    id: s.id,
    title: field('title'),
    body: field('body'),
    createdAt: stampMs(s.createdStamp),
    changedAt: stampMs(lastChangedStamp(s) ?? s.createdStamp),
    stamps,
    pending,
  };
}

/** Every visible note in full, oldest first, for export. */
export function notesForExport(db: Db): NoteForExport[] {
  return db
    .selectObjects(
      `SELECT id, title, body, created_stamp, changed_stamp FROM notes WHERE visible = 1
       ORDER BY created_stamp, id`,
    )
    .map((r) => ({
      id: text(r, 'id'),
      title: textOrNull(r, 'title') ?? '',
      body: textOrNull(r, 'body') ?? '',
      createdAt: stampMs(text(r, 'created_stamp')),
      updatedAt: stampMs(text(r, 'changed_stamp')),
    }));
}
