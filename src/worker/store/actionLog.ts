// The append-only log of actions (DESIGN.md section 2) and the bookkeeping sync needs on it:
// which actions are still pending upload, which the server acknowledged (with its seq), which it
// quarantined. Payload, base and text edits are stored as JSON text; a snapshot's state as it came.

import type { Action, ActionType, TextEdit } from '../../sync/action';
import { chunksBySize } from './chunks';
import { int, intOrNull, run, selectRow, selectRows, text, textOrNull, type Db, type Row } from '../db/sql';

export type ActionStatus = 'pending' | 'acked' | 'quarantined';

export interface LoggedAction {
  readonly action: Action;
  readonly localSeq: number;
  readonly serverSeq: number | null;
  readonly status: ActionStatus;
  readonly error: string | null;
}

const COLUMNS = 'local_seq, id, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state, server_seq, status, error';

function rowToLogged(row: Row): LoggedAction {
  const baseJson = textOrNull(row, 'base');
  const editsJson = textOrNull(row, 'edits');
  const basis = intOrNull(row, 'basis');
  const state = textOrNull(row, 'state');
  const action: Action = {
    id: text(row, 'id'),
    collection: text(row, 'collection'),
    entityId: text(row, 'entity_id'),
    type: text(row, 'type') as ActionType,
    payload: JSON.parse(text(row, 'payload')) as Record<string, string>,
    hlc: text(row, 'hlc'),
    clientId: text(row, 'client_id'),
    ...(baseJson === null ? {} : { base: JSON.parse(baseJson) as Record<string, string> }),
    ...(editsJson === null ? {} : { edits: JSON.parse(editsJson) as Record<string, TextEdit> }),
    ...(basis === null ? {} : { basis }),
    ...(state === null ? {} : { state }),
  };
  return {
    action,
    localSeq: int(row, 'local_seq'),
    serverSeq: intOrNull(row, 'server_seq'),
    status: text(row, 'status') as ActionStatus,
    error: textOrNull(row, 'error'),
  };
}

function bindOf(a: Action, status: ActionStatus, serverSeq: number | null) {
  return [
    a.id,
    a.collection,
    a.entityId,
    a.type,
    JSON.stringify(a.payload),
    a.hlc,
    a.clientId,
    a.base === undefined ? null : JSON.stringify(a.base),
    a.edits === undefined ? null : JSON.stringify(a.edits),
    a.basis ?? null,
    a.state ?? null,
    serverSeq,
    status,
  ];
}

const INSERT_COLUMNS = 'id, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state, server_seq, status';

export function appendAction(db: Db, a: Action, status: ActionStatus, serverSeq: number | null = null): void {
  run(db, `INSERT INTO actions (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, bindOf(a, status, serverSeq));
}

/**
 * Appends a pulled page's new actions in one statement (a few for a page of long notes: chunks.ts),
 * in order (one bind instead of ten per action).
 * jsonb_each, not json_each: json_each hands each row over as JSON text that every `->>` parses
 * again (13 parses of the row); jsonb_each hands it over parsed. Measured in memory, 1,000 rows of a
 * bench page: 14 ms against 5 ms; binding each row's columns through sqlite-wasm costs more (16 ms).
 */
export function appendActions(db: Db, entries: readonly { readonly action: Action; readonly status: ActionStatus; readonly serverSeq: number | null }[]): void {
  const rows = entries.map(({ action, status, serverSeq }) => bindOf(action, status, serverSeq));
  const size = (row: ReturnType<typeof bindOf>) => row.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
  for (const chunk of chunksBySize(rows, size)) {
    run(
      db,
      `INSERT INTO actions (${INSERT_COLUMNS})
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7,
              value ->> 8, value ->> 9, value ->> 10, value ->> 11, value ->> 12
       FROM jsonb_each(?) ORDER BY key`,
      [JSON.stringify(chunk)],
    );
  }
}

export interface ActionMark {
  readonly status: ActionStatus;
  readonly serverSeq: number | null;
  /** Where it stands in the log (absent for an action the page itself adds). */
  readonly localSeq?: number;
}

/** Where each of `ids` already in the log stands (one query for a pulled page); absent ids are new. */
export function actionMarks(db: Db, ids: readonly string[]): Map<string, ActionMark> {
  const marks = new Map<string, ActionMark>();
  if (ids.length === 0) return marks;
  const rows = selectRows(db, `SELECT id, status, server_seq, local_seq FROM actions WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
  for (const r of rows) marks.set(text(r, 'id'), { status: text(r, 'status') as ActionStatus, serverSeq: intOrNull(r, 'server_seq'), localSeq: int(r, 'local_seq') });
  return marks;
}

export function findAction(db: Db, id: string): LoggedAction | undefined {
  const row = selectRow(db, `SELECT ${COLUMNS} FROM actions WHERE id = ?`, [id]);
  return row ? rowToLogged(row) : undefined;
}

/** The server has the action (it came back in a pull): no longer pending, whatever it was. */
export function markAcked(db: Db, id: string, serverSeq: number | null): void {
  run(db, `UPDATE actions SET status = 'acked', error = NULL, server_seq = coalesce(?, server_seq) WHERE id = ?`, [serverSeq, id]);
}

/** markAcked for many actions in one statement: id -> seq to store (null: keep the stored one). */
export function markAckedMany(db: Db, acks: ReadonlyMap<string, number | null>): void {
  if (acks.size === 0) return;
  run(
    db,
    `UPDATE actions SET status = 'acked', error = NULL, server_seq = coalesce(j.seq, actions.server_seq)
     FROM (SELECT value ->> 0 AS id, value ->> 1 AS seq FROM jsonb_each(?)) AS j
     WHERE actions.id = j.id`,
    [JSON.stringify([...acks])],
  );
}

/** Removes these logged actions (a page re-adds them: pagePlan.ts `replaced`). */
export function deleteActions(db: Db, ids: readonly string[]): void {
  if (ids.length === 0) return;
  run(db, `DELETE FROM actions WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
}

/** The server refused the action as invalid: keep it, with the reason, out of the upload queue. */
export function quarantineAction(db: Db, id: string, error: string): void {
  run(db, `UPDATE actions SET status = 'quarantined', error = ? WHERE id = ? AND status = 'pending'`, [error, id]);
}

// The pending rows are those of the partial index actions_pending_by_entity (migration v2); named,
// because the planner would otherwise walk the whole log in local_seq order to find them.
const PENDING = `actions INDEXED BY actions_pending_by_entity WHERE status = 'pending'`;

/** The upload queue, oldest first. */
export function listPendingActions(db: Db, limit: number): Action[] {
  return selectRows(db, `SELECT ${COLUMNS} FROM ${PENDING} ORDER BY local_seq LIMIT ?`, [limit]).map((r) => rowToLogged(r).action);
}

export function countPendingActions(db: Db): number {
  // A snapshot waiting to go up is housekeeping, not a change of the user's.
  const row = selectRow(db, `SELECT count(*) AS n FROM ${PENDING} AND type != 'snapshot'`);
  return row ? int(row, 'n') : 0;
}

/** Snapshots of this device's waiting to go up (housekeeping, so not in countPendingActions). */
export function hasPendingSnapshots(db: Db): boolean {
  return selectRow(db, `SELECT 1 AS waiting FROM ${PENDING} AND type = 'snapshot' LIMIT 1`) !== undefined;
}

export function listQuarantinedActions(db: Db): LoggedAction[] {
  return selectRows(db, `SELECT ${COLUMNS} FROM actions INDEXED BY actions_quarantined WHERE status = 'quarantined' ORDER BY local_seq`).map(rowToLogged);
}

/** Every action in insertion order, one at a time (replay must not hold 100k rows at once). */
export function* iterateActions(db: Db, pageSize = 1_000): Generator<LoggedAction> {
  let after = 0;
  for (;;) {
    const rows = db.selectObjects(`SELECT ${COLUMNS} FROM actions WHERE local_seq > ? ORDER BY local_seq LIMIT ?`, [after, pageSize]);
    for (const r of rows) {
      const logged = rowToLogged(r);
      after = logged.localSeq;
      yield logged;
    }
    if (rows.length < pageSize) return;
  }
}

/** Every pending action with its log position, oldest first (re-stamping walks the whole queue). */
export function listPendingLogged(db: Db): LoggedAction[] {
  return db.selectObjects(`SELECT ${COLUMNS} FROM ${PENDING} ORDER BY local_seq`).map(rowToLogged);
}

/** The greatest HLC the server has: every acked action, ours or pulled. Null on an empty log. */
export function maxAckedHlc(db: Db): string | null {
  const row = db.selectObject(`SELECT max(hlc) AS hlc FROM actions WHERE status = 'acked'`);
  return row ? textOrNull(row, 'hlc') : null;
}

/** Gives a pending action a new stamp (and the base rewritten to match); nothing else may change. */
export function restampAction(
  db: Db,
  id: string,
  hlc: string,
  base: Readonly<Record<string, string>> | undefined,
  edits?: Readonly<Record<string, TextEdit>>,
): void {
  db.exec({
    sql: `UPDATE actions SET hlc = ?, base = ?, edits = ? WHERE id = ? AND status = 'pending'`,
    bind: [hlc, base === undefined ? null : JSON.stringify(base), edits === undefined ? null : JSON.stringify(edits), id],
  });
}

/** The server lost our acknowledged actions (a reset backend): queue them for upload again. Returns their entities. */
export function requeueOwnAcked(db: Db, clientId: string): string[] {
  const entities = db
    .selectObjects(`SELECT DISTINCT entity_id FROM actions WHERE status = 'acked' AND client_id = ?`, [clientId])
    .map((r) => text(r, 'entity_id'));
  db.exec({ sql: `UPDATE actions SET status = 'pending', server_seq = NULL WHERE status = 'acked' AND client_id = ?`, bind: [clientId] });
  return entities;
}

/** The entities of the given actions (to tell the UI whose pending badge changed). */
export function entitiesOfActions(db: Db, ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  return db
    .selectObjects(`SELECT DISTINCT entity_id FROM actions WHERE id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)])
    .map((r) => text(r, 'entity_id'));
}
