// The actions table's row shape, shared by both adapters: the action's fields as columns, payload,
// base and edits as JSON text (kept byte-for-byte as received, so a pulled action equals the pushed
// one). A snapshot's state is stored as the client sent it and never parsed: only its basis is read.

import type { Action, ActionType, SequencedAction, TextEdit } from '../../sync/action';

export interface ActionRow {
  readonly space_id: string;
  readonly id: string;
  readonly seq: number;
  readonly collection: string;
  readonly entity_id: string;
  readonly type: string;
  readonly payload: string;
  readonly hlc: string;
  readonly client_id: string;
  readonly base: string | null;
  readonly edits: string | null;
  readonly basis: number | null;
  readonly state: string | null;
  readonly user_id: string;
  readonly received_at: number;
}

export type StoredActionColumns = Pick<
  ActionRow,
  'id' | 'seq' | 'collection' | 'entity_id' | 'type' | 'payload' | 'hlc' | 'client_id' | 'base' | 'edits' | 'basis' | 'state'
>;

export function toRow(a: Action, spaceId: string, seq: number, userId: string, receivedAt: number): ActionRow {
  return {
    space_id: spaceId,
    id: a.id,
    seq,
    collection: a.collection,
    entity_id: a.entityId,
    type: a.type,
    payload: JSON.stringify(a.payload),
    hlc: a.hlc,
    client_id: a.clientId,
    base: a.base === undefined ? null : JSON.stringify(a.base),
    edits: a.edits === undefined ? null : JSON.stringify(a.edits),
    basis: a.basis ?? null,
    state: a.state ?? null,
    user_id: userId,
    received_at: receivedAt,
  };
}

/** Rows were validated on the way in; this only restores their shape. */
export function fromRow(r: StoredActionColumns): SequencedAction {
  return {
    id: r.id,
    collection: r.collection,
    entityId: r.entity_id,
    type: r.type as ActionType,
    payload: JSON.parse(r.payload) as Record<string, string>,
    hlc: r.hlc,
    clientId: r.client_id,
    ...(r.base === null ? {} : { base: JSON.parse(r.base) as Record<string, string> }),
    ...(r.edits === null ? {} : { edits: JSON.parse(r.edits) as Record<string, TextEdit> }),
    // bigint columns come back from PostgreSQL as strings.
    ...(r.basis === null ? {} : { basis: Number(r.basis) }),
    ...(r.state === null ? {} : { state: r.state }),
    seq: Number(r.seq),
  };
}

/**
 * The actions of a batch that are new: not already in the space and not repeated earlier in the
 * batch (a client may send the same action twice in one push); the rest are duplicates.
 */
export function splitDuplicates(
  actions: readonly Action[],
  existing: ReadonlySet<string>,
): { fresh: Action[]; duplicates: string[] } {
  const seen = new Set(existing);
  const fresh: Action[] = [];
  const duplicates: string[] = [];
  for (const a of actions) {
    if (seen.has(a.id)) duplicates.push(a.id);
    else {
      seen.add(a.id);
      fresh.push(a);
    }
  }
  return { fresh, duplicates };
}

export const SELECT_ACTION_COLUMNS = 'id, seq, collection, entity_id, type, payload, hlc, client_id, base, edits, basis, state';

/**
 * What an action costs the space's storage quota and a pull page's byte budget: the bytes of its
 * payload, base, text edits and snapshot state as stored, plus a fixed allowance for its ids,
 * stamps and index entries.
 */
export const ROW_OVERHEAD_BYTES = 200;

/** rowBytes without the overhead, as SQL over the actions table, per dialect (UTF-8 bytes of each column). */
export const STORED_BYTES_SQL = {
  sqlite: `length(CAST(payload AS BLOB)) + coalesce(length(CAST(base AS BLOB)), 0) + coalesce(length(CAST(edits AS BLOB)), 0) + coalesce(length(CAST(state AS BLOB)), 0)`,
  postgres: `octet_length(payload) + coalesce(octet_length(base), 0) + coalesce(octet_length(edits), 0) + coalesce(octet_length(state), 0)`,
} as const;

export function rowBytes(r: Pick<ActionRow, 'payload' | 'base' | 'edits' | 'state'>): number {
  const len = (s: string | null) => (s === null ? 0 : Buffer.byteLength(s));
  return len(r.payload) + len(r.base) + len(r.edits) + len(r.state) + ROW_OVERHEAD_BYTES;
}
