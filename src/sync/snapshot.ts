// Snapshot actions (DESIGN.md sections 2 and 4): the whole state of one entity, made by a client and
// pushed like any action with `basis` = the server seq it had pulled up to.
//
// Invariants (tests/sync/join.property.test.ts, tests/worker/sync/compaction.sync.test.ts):
// - Applying a snapshot is joining its state (join.ts): it equals applying the actions it covers,
//   and the actions after it still merge on top, in any order.
// - Its text documents are garbage-collected (loaded and encoded again), so deleted text does not
//   live on; a text field's visible value is not repeated beside its document.
// - It carries, per field, what the winning write's author had seen (its `base`), and what the
//   winning delete's author had seen: so a device that learns of a winner only inside a snapshot
//   still reports its own lost edit (conflict detection survives compaction).
// - The server never reads it (E2E encryption stays possible); the client validates it on decode.

import * as v from 'valibot';
import type { Action } from './action';
import { isCollectionName, isTextField } from './collections';
import { joinEntities } from './join';
import { fieldStamp, isDeleted, type Conflict, type EntityState, type MergeResult } from './entity';
import { stampClientId, type Stamp } from './stamp';
import { fromBase64, toBase64 } from './text/base64';
import { compactWaiting, equalBytes, type TextState } from './text/textMerge';
import { compactState, textOf, type TextDocCache } from './text/yjsText';

export interface SnapshotContent {
  readonly state: EntityState;
  /** Per field, the `base` the write that set it declared (what its author had seen). */
  readonly seen: Readonly<Record<string, Stamp>>;
  /** What the author of the winning delete had seen, per field. */
  readonly deleteSeen: Readonly<Record<string, Stamp>>;
}

const StampSchema = v.pipe(v.string(), v.maxLength(200));
const StampMap = v.record(v.pipe(v.string(), v.maxLength(64)), StampSchema);
const Wire = v.strictObject({
  v: v.literal(1),
  fields: v.record(v.pipe(v.string(), v.maxLength(64)), v.string()),
  stamps: StampMap,
  created: v.nullable(StampSchema),
  deleted: v.nullable(StampSchema),
  restored: v.nullable(StampSchema),
  purged: v.nullable(StampSchema),
  texts: v.record(
    v.pipe(v.string(), v.maxLength(64)),
    v.strictObject({
      doc: v.nullable(v.string()),
      edited: v.nullable(StampSchema),
      waiting: v.array(v.strictObject({ base: StampSchema, update: v.string(), stamp: StampSchema })),
    }),
  ),
  seen: StampMap,
  deleteSeen: StampMap,
});
type WireSnapshot = v.InferOutput<typeof Wire>;

export function encodeSnapshot(c: SnapshotContent): string {
  const s = c.state;
  const fields: Record<string, string> = {};
  const texts: WireSnapshot['texts'] = {};
  for (const [f, value] of Object.entries(s.fields)) {
    const t = s.texts?.[f];
    // A text with a document has its value in it: said once, not twice.
    if (t?.doc) continue;
    fields[f] = value;
  }
  for (const [f, t] of Object.entries(s.texts ?? {})) {
    const base = s.stamps[f];
    texts[f] = {
      doc: t.doc && base !== undefined ? toBase64(compactState(base, t.doc)) : null,
      edited: t.edited,
      waiting: compactWaiting(t.waiting),
    };
  }
  const wire: WireSnapshot = {
    v: 1,
    fields,
    stamps: { ...s.stamps },
    created: s.createdStamp,
    deleted: s.deletedStamp,
    restored: s.restoredStamp,
    purged: s.purgedStamp,
    texts,
    seen: { ...c.seen },
    deleteSeen: { ...c.deleteSeen },
  };
  return JSON.stringify(wire);
}

/** The snapshot of an action, or a reason it cannot be read (then it is ignored, never half-applied). */
export function decodeSnapshot(a: Pick<Action, 'collection' | 'entityId' | 'state'>): SnapshotContent | string {
  if (a.state === undefined) return 'a snapshot without state';
  let json: unknown;
  try {
    json = JSON.parse(a.state);
  } catch {
    return 'a snapshot that is not JSON';
  }
  const parsed = v.safeParse(Wire, json);
  if (!parsed.success) return 'a snapshot of an unknown shape';
  const w = parsed.output;
  const texts: Record<string, TextState> = {};
  const fields: Record<string, string> = { ...w.fields };
  try {
    for (const [f, t] of Object.entries(w.texts)) {
      if (!isCollectionName(a.collection) || !isTextField(a.collection, f)) return `a snapshot with text state for ${f.slice(0, 64)}`;
      const doc = t.doc === null ? null : fromBase64(t.doc);
      texts[f] = { doc, edited: t.edited, waiting: t.waiting };
      const base = w.stamps[f];
      if (doc && base !== undefined) fields[f] = textOf({ key: '', baseStamp: base, baseText: '', doc });
    }
  } catch {
    return 'a snapshot whose text cannot be read';
  }
  const state: EntityState = {
    collection: a.collection,
    id: a.entityId,
    fields,
    stamps: w.stamps,
    createdStamp: w.created,
    deletedStamp: w.deleted,
    restoredStamp: w.restored,
    purgedStamp: w.purged,
    ...(Object.keys(texts).length > 0 ? { texts } : {}),
  };
  return { state, seen: w.seen, deleteSeen: w.deleteSeen };
}

function owned(stamp: Stamp | undefined, clientId: string | undefined): boolean {
  return stamp !== undefined && clientId !== undefined && stampClientId(stamp) === clientId;
}

/** Merges a snapshot action into a state (mergeAction's case 'snapshot'). */
export function applySnapshot(prev: EntityState | undefined, action: Action, localClientId?: string, cache?: TextDocCache): MergeResult {
  const content = decodeSnapshot(action);
  if (typeof content === 'string') return { state: prev ?? { ...emptyOf(action) }, changed: false, conflicts: [] };
  const next = prev ? joinEntities(prev, content.state, cache) : content.state;
  const conflicts: Conflict[] = prev && action.clientId !== localClientId ? lostInSnapshot(prev, next, content, localClientId) : [];
  return { state: next, changed: prev === undefined || !sameState(prev, next), conflicts };
}

function emptyOf(a: Action): EntityState {
  return { collection: a.collection, id: a.entityId, fields: {}, stamps: {}, createdStamp: null, deletedStamp: null, restoredStamp: null, purgedStamp: null };
}

/** Writes of this device the snapshot's winners were made without seeing (as merge.ts finds them action by action). */
function lostInSnapshot(prev: EntityState, next: EntityState, c: SnapshotContent, me: string | undefined): Conflict[] {
  const out: Conflict[] = [];
  const mk = (field: string, kind: Conflict['kind'], lostStamp: Stamp, winnerStamp: Stamp): Conflict => ({
    collection: prev.collection,
    entityId: prev.id,
    field,
    kind,
    lostValue: prev.fields[field] ?? '',
    lostStamp,
    winnerStamp,
  });
  if (next.purgedStamp !== null) return out;
  const nowDeleted = !isDeleted(prev) && isDeleted(next) && next.createdStamp !== null && !owned(next.deletedStamp ?? undefined, me);
  for (const field of Object.keys(prev.fields)) {
    const mine = fieldStamp(prev, field);
    if (mine === undefined || !(owned(mine, me) || owned(prev.stamps[field], me))) continue;
    if (nowDeleted && (c.deleteSeen[field] ?? '') < mine) {
      out.push(mk(field, 'deleted', mine, next.deletedStamp!));
      continue;
    }
    const text = isCollectionName(prev.collection) && isTextField(prev.collection, field);
    // A text lost only when its base was replaced; edits on the same base merged.
    const replaced = text ? next.stamps[field] !== prev.stamps[field] : fieldStamp(next, field) !== mine;
    const winner = text ? next.stamps[field] : fieldStamp(next, field);
    if (replaced && winner !== undefined && winner > mine === true && (c.seen[field] ?? '') < mine && next.fields[field] !== prev.fields[field]) {
      out.push(mk(field, 'overwritten', mine, winner));
    }
  }
  return out;
}

function sameState(a: EntityState, b: EntityState): boolean {
  if (a.createdStamp !== b.createdStamp || a.deletedStamp !== b.deletedStamp || a.restoredStamp !== b.restoredStamp || a.purgedStamp !== b.purgedStamp) return false;
  const keys = new Set([...Object.keys(a.stamps), ...Object.keys(b.stamps), ...Object.keys(a.fields), ...Object.keys(b.fields)]);
  for (const k of keys) if (a.stamps[k] !== b.stamps[k] || a.fields[k] !== b.fields[k]) return false;
  const tk = new Set([...Object.keys(a.texts ?? {}), ...Object.keys(b.texts ?? {})]);
  for (const k of tk) {
    const x = a.texts?.[k];
    const y = b.texts?.[k];
    if (x?.edited !== y?.edited || (x?.waiting.length ?? 0) !== (y?.waiting.length ?? 0)) return false;
    const dx = x?.doc ?? null;
    const dy = y?.doc ?? null;
    if (dx === dy) continue;
    if (dx === null || dy === null || !equalBytes(dx, dy)) return false;
  }
  return true;
}
