// An entity's materialized state and the questions every reader asks of it (visible? in the trash?
// last changed?). Plain data, shared by the merge, the join and snapshots.

import type { FieldValue } from './action';
import { maxStamp, type Stamp } from './stamp';
import type { TextState } from './text/textMerge';

export interface EntityState {
  readonly collection: string;
  readonly id: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly stamps: Readonly<Record<string, Stamp>>;
  readonly createdStamp: Stamp | null;
  readonly deletedStamp: Stamp | null;
  readonly restoredStamp: Stamp | null;
  readonly purgedStamp: Stamp | null;
  /**
   * Text fields (collections.ts kind 'text'): the document of edits on the base. For these, `fields`
   * holds the visible text and `stamps` the base's stamp (textMerge.ts). Absent: no edits yet.
   */
  readonly texts?: Readonly<Record<string, TextState>>;
}

export type ConflictKind = 'overwritten' | 'deleted';

export interface Conflict {
  readonly collection: string;
  readonly entityId: string;
  readonly field: string;
  readonly kind: ConflictKind;
  /** The text this device wrote that is no longer visible. */
  readonly lostValue: FieldValue;
  readonly lostStamp: Stamp;
  /** The stamp of the write (or delete) that won. */
  readonly winnerStamp: Stamp;
}

export interface MergeResult {
  readonly state: EntityState;
  readonly changed: boolean;
  readonly conflicts: readonly Conflict[];
}

export function emptyEntity(collection: string, id: string): EntityState {
  return {
    collection,
    id,
    fields: {},
    stamps: {},
    createdStamp: null,
    deletedStamp: null,
    restoredStamp: null,
    purgedStamp: null,
  };
}

export function isDeleted(s: EntityState): boolean {
  return s.deletedStamp !== null && (s.restoredStamp === null || s.deletedStamp > s.restoredStamp);
}

export function isVisible(s: EntityState): boolean {
  return s.createdStamp !== null && s.purgedStamp === null && !isDeleted(s);
}

/** In the trash: created, deleted, not purged. */
export function isTrashed(s: EntityState): boolean {
  return s.createdStamp !== null && s.purgedStamp === null && isDeleted(s);
}

/** The greatest stamp that touched the entity: "last changed", for ordering lists. */
export function lastChangedStamp(s: EntityState): Stamp | null {
  let best: Stamp | null = maxStamp(maxStamp(s.createdStamp, s.deletedStamp), maxStamp(s.restoredStamp, s.purgedStamp));
  for (const st of Object.values(s.stamps)) best = maxStamp(best, st);
  for (const t of Object.values(s.texts ?? {})) best = maxStamp(best, t.edited);
  return best;
}

/** The latest write a field shows: its stamp, or for a text field the later of its base and last edit. */
export function fieldStamp(s: EntityState, field: string): Stamp | undefined {
  return maxStamp(s.stamps[field] ?? null, s.texts?.[field]?.edited ?? null) ?? undefined;
}

/** Every field's latest stamp (what a delete or a replace says its writer had seen). */
export function fieldStamps(s: EntityState): Record<string, Stamp> {
  const out: Record<string, Stamp> = { ...s.stamps };
  for (const f of Object.keys(s.texts ?? {})) {
    const st = fieldStamp(s, f);
    if (st !== undefined) out[f] = st;
  }
  return out;
}

