// The materialized table of a collection, one row per entity, mapped to and from merge.ts's
// EntityState. Generic over collections.ts: the table is named after the collection and has, per
// field, a value column and a `<field>_stamp` column (NULL until an action wrote the field).
// Saving or clearing rows of notes also queues them for its full-text index, by the triggers of
// migration v5, in the same statement; `doc` (the index's rowid) is assigned by SQLite, never written here.

import { collections, fieldNames, isTextField, type CollectionName, type FieldSpec } from '../../sync/collections';
import { isVisible, lastChangedStamp, type EntityState } from '../../sync/merge';
import type { TextState, WaitingEdit } from '../../sync/text/textMerge';
import type { SqlValue } from '@sqlite.org/sqlite-wasm';
import { chunksBySize } from './chunks';
import { blobOrNull, ident, run, selectRow, selectRows, text, textOrNull, type Db, type Row } from '../db/sql';

const tombstones = ['created_stamp', 'deleted_stamp', 'restored_stamp', 'purged_stamp'] as const;

interface CollectionSql {
  readonly fields: readonly string[];
  readonly textFields: readonly string[];
  readonly select: string;
  readonly selectOne: string;
  readonly selectMany: string;
  /** selectMany's columns: the JSON array's, then the documents' (blobs stay columns). */
  readonly manyColumns: readonly string[];
  readonly docColumns: readonly string[];
  readonly upsert: string;
  readonly upsertMany: string;
}

const cache = new Map<CollectionName, CollectionSql>();

function sqlFor(collection: CollectionName): CollectionSql {
  let s = cache.get(collection);
  if (s) return s;
  const fields = fieldNames(collection);
  const textFields = fields.filter((f) => isTextField(collection, f));
  const table = ident(collection);
  const columns = [
    'id',
    ...fields.flatMap((f) => [f, `${f}_stamp`]),
    ...textFields.flatMap((f) => [`${f}_doc`, `${f}_edited`, `${f}_waiting`]),
    ...tombstones,
    'changed_stamp',
    'visible',
  ];
  const quoted = columns.map(ident);
  const assignments = quoted
    .slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  // upsertMany's row i is a JSON array of the columns in order, a document column as the 1-based
  // offset of its bytes in ?2 (or null), then per text field the length of its document.
  const docAt = new Map(textFields.map((f, i) => [`${f}_doc`, columns.length + i]));
  const values = columns.map((c, i) => {
    const len = docAt.get(c);
    // substr() of an empty blob gives NULL, not an empty blob.
    return len === undefined
      ? `value ->> ${i}`
      : `CASE WHEN value ->> ${i} IS NULL THEN NULL WHEN value ->> ${len} = 0 THEN x'' ELSE substr(?2, value ->> ${i}, value ->> ${len}) END`;
  });
  // A page's rows are read as one JSON array each (plus the document blobs): reading ~20 columns
  // one by one through sqlite-wasm decodes each string on its own, and cost more than the query.
  const docColumns = textFields.map((f) => `${f}_doc`);
  const manyColumns = columns.filter((c) => !docColumns.includes(c));
  s = {
    fields,
    textFields,
    manyColumns,
    docColumns,
    select: `SELECT ${quoted.join(', ')} FROM ${table}`,
    selectOne: `SELECT ${quoted.join(', ')} FROM ${table} WHERE id = ?`,
    selectMany: `SELECT json_array(${manyColumns.map(ident).join(', ')}) AS row, ${docColumns.map(ident).join(', ')} FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`,
    upsert:
      `INSERT INTO ${table} (${quoted.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ` +
      `ON CONFLICT (id) DO UPDATE SET ${assignments}`,
    upsertMany: `INSERT INTO ${table} (${quoted.join(', ')}) SELECT ${values.join(', ')} FROM jsonb_each(?1) ORDER BY key ON CONFLICT (id) DO UPDATE SET ${assignments}`,
  };
  cache.set(collection, s);
  return s;
}

function fieldDefault(collection: CollectionName, field: string): string {
  const spec = collections[collection].fields as Readonly<Record<string, FieldSpec>>;
  return spec[field]?.default ?? '';
}

export function tableName(collection: CollectionName): string {
  return ident(collection);
}

export function rowToEntity(collection: CollectionName, row: Row): EntityState {
  const fields: Record<string, string> = {};
  const stamps: Record<string, string> = {};
  for (const f of sqlFor(collection).fields) {
    const stamp = textOrNull(row, `${f}_stamp`);
    if (stamp === null) continue;
    stamps[f] = stamp;
    // A stamp is only ever written with its value; the default covers a hand-edited row.
    fields[f] = textOrNull(row, f) ?? fieldDefault(collection, f);
  }
  const texts: Record<string, TextState> = {};
  for (const f of sqlFor(collection).textFields) {
    const doc = blobOrNull(row, `${f}_doc`);
    const edited = textOrNull(row, `${f}_edited`);
    const waitingJson = textOrNull(row, `${f}_waiting`);
    const waiting = waitingJson === null ? [] : (JSON.parse(waitingJson) as WaitingEdit[]);
    if (doc !== null || edited !== null || waiting.length > 0) texts[f] = { doc, edited, waiting };
  }
  return {
    collection,
    id: textOrNull(row, 'id') ?? '',
    fields,
    stamps,
    createdStamp: textOrNull(row, 'created_stamp'),
    deletedStamp: textOrNull(row, 'deleted_stamp'),
    restoredStamp: textOrNull(row, 'restored_stamp'),
    purgedStamp: textOrNull(row, 'purged_stamp'),
    ...(Object.keys(texts).length > 0 ? { texts } : {}),
  };
}

export function loadEntity(db: Db, collection: CollectionName, id: string): EntityState | undefined {
  const row = selectRow(db, sqlFor(collection).selectOne, [id]);
  return row ? rowToEntity(collection, row) : undefined;
}

/** The rows of those of `ids` that exist, by id (one query for a pulled page). */
export function loadEntities(db: Db, collection: CollectionName, ids: readonly string[]): Map<string, EntityState> {
  const found = new Map<string, EntityState>();
  if (ids.length === 0) return found;
  const { selectMany, manyColumns, docColumns } = sqlFor(collection);
  for (const r of selectRows(db, selectMany, [JSON.stringify(ids)])) {
    const values = JSON.parse(text(r, 'row')) as SqlValue[];
    const row: Row = {};
    manyColumns.forEach((c, i) => (row[c] = values[i] ?? null));
    for (const c of docColumns) row[c] = r[c] ?? null;
    found.set(text(row, 'id'), rowToEntity(collection, row));
  }
  return found;
}

function rowValues(fields: readonly string[], e: EntityState) {
  return [
    e.id,
    ...fields.flatMap((f) => [e.fields[f] ?? null, e.stamps[f] ?? null]),
  ];
}

function tailValues(e: EntityState) {
  return [e.createdStamp, e.deletedStamp, e.restoredStamp, e.purgedStamp, lastChangedStamp(e) ?? '', isVisible(e) ? 1 : 0];
}

function waitingJson(t: TextState | undefined): string | null {
  return t && t.waiting.length > 0 ? JSON.stringify(t.waiting) : null;
}

export function saveEntity(db: Db, collection: CollectionName, e: EntityState): void {
  const { fields, textFields, upsert } = sqlFor(collection);
  const bind = [
    ...rowValues(fields, e),
    ...textFields.flatMap((f) => {
      const t = e.texts?.[f];
      return [t?.doc ?? null, t?.edited ?? null, waitingJson(t)];
    }),
    ...tailValues(e),
  ];
  run(db, upsert, bind);
}

/**
 * saveEntity for many rows, in one statement (a few for long notes: chunks.ts) and in the order given
 * (so new rows get their `doc` in that order, as one saveEntity after another would give them). Measured in memory on the bench's
 * page (370 rows): 5 ms against 14 ms for a statement per row, whose ~20 binds each cross into
 * sqlite-wasm. Documents are not passed as hex: their bytes go in one blob, each row slicing its own.
 */
export function saveEntities(db: Db, collection: CollectionName, states: readonly EntityState[]): void {
  for (const chunk of chunksBySize(states, rowSize)) saveChunk(db, collection, chunk);
}

/** Roughly the bytes a row adds to saveEntities' statement (its strings and documents). */
function rowSize(e: EntityState): number {
  let n = 0;
  for (const v of Object.values(e.fields)) n += v.length;
  for (const t of Object.values(e.texts ?? {})) n += (t.doc?.length ?? 0) + t.waiting.reduce((m, w) => m + w.update.length, 0);
  return n;
}

function saveChunk(db: Db, collection: CollectionName, states: readonly EntityState[]): void {
  if (states.length === 1) return saveEntity(db, collection, states[0]!);
  const { fields, textFields, upsertMany } = sqlFor(collection);
  const docs: Uint8Array[] = [];
  let size = 0;
  const rows = states.map((e) => {
    const lengths: (number | null)[] = [];
    const texts = textFields.flatMap((f) => {
      const t = e.texts?.[f];
      const doc = t?.doc ?? null;
      lengths.push(doc === null ? null : doc.length);
      const at = doc === null ? null : size + 1;
      if (doc !== null) {
        docs.push(doc);
        size += doc.length;
      }
      return [at, t?.edited ?? null, waitingJson(t)];
    });
    return [...rowValues(fields, e), ...texts, ...tailValues(e), ...lengths];
  });
  const blob = new Uint8Array(size);
  let at = 0;
  for (const d of docs) {
    blob.set(d, at);
    at += d.length;
  }
  run(db, upsertMany, [JSON.stringify(rows), blob]);
}

/** Every materialized entity of a collection (for replay checks and repair, not for the UI). */
export function loadAllEntities(db: Db, collection: CollectionName): EntityState[] {
  return db.selectObjects(`${sqlFor(collection).select} ORDER BY id`).map((r) => rowToEntity(collection, r));
}

export function clearEntities(db: Db, collection: CollectionName): void {
  db.exec(`DELETE FROM ${tableName(collection)}`);
}
