// Merge: folds one action into the materialized state of its entity.
//
// Invariants (each one is a property test in tests/sync/merge.property.test.ts):
// - Commutative, associative, idempotent: any order of any multiset of actions gives the same state,
//   so a device applies a pulled batch in O(batch) and never replays history.
// - A field holds the value of the greatest stamp that wrote it (stamp order: stamp.ts).
// - Tombstones: deletedStamp, restoredStamp and purgedStamp only grow (max), createdStamp only
//   shrinks (min). An entity is deleted while deletedStamp > restoredStamp: delete wins over every
//   update, earlier or later or concurrent; only an explicit restore with a greater stamp than the
//   delete brings it back. Purge (emptying the trash) is final: it drops the fields and ignores every
//   later write.
// - The restore rule, in DESIGN.md section 3's terms: restore is its own action type, not an update
//   ("updates never resurrect"). It un-deletes when its stamp is greater than the greatest delete's
//   stamp; a delete stamped after it (made by a device that saw the restore) deletes again. Both are
//   max-registers, so the outcome depends only on the greatest delete and the greatest restore,
//   never on the order they arrive in. A restore may carry fields, written like an update's.
// - An update that arrives before its create is kept (stamps recorded) but the entity stays invisible
//   until the create arrives. A second create of the same entity merges like an update.
//
// Conflicts are an output, not state: a write made on this device (localClientId) that loses to a
// write made without seeing it (the winner's `base` for the field is older than our stamp), or a local
// edit of an entity another device deleted. They are reported once, when the losing state changes.

import type { Action, FieldValue } from './action';
import { isCollectionName, isTextField } from './collections';
import { maxStamp, minStamp, stampClientId, stampOf, type Stamp } from './stamp';
import { editText, editTextRun, latestStamp, replaceText, type RunEdit, type TextField, type TextState } from './text/textMerge';
import { emptyEntity, fieldStamp, fieldStamps, isDeleted, type Conflict, type ConflictKind, type EntityState, type MergeResult } from './entity';

export * from './entity';
import type { TextDocCache } from './text/yjsText';
import { applySnapshot } from './snapshot';

function textFieldOf(s: EntityState, field: string): TextField {
  return { value: s.fields[field], base: s.stamps[field], text: s.texts?.[field] };
}

function isText(collection: string, field: string): boolean {
  return isCollectionName(collection) && isTextField(collection, field);
}

function ownedBy(stamp: Stamp, clientId: string | undefined): boolean {
  return clientId !== undefined && stampClientId(stamp) === clientId;
}

/**
 * A write of this device's to `field` that a writer who had seen up to `seen` missed. For text, the
 * base or the last edit must be ours and unseen: a base of ours the deleter saw, under another
 * device's later edit, is not our loss (restoring it would replace the other device's text).
 */
function unseenOwnWrite(s: EntityState, field: string, cur: Stamp, seen: string, clientId: string): boolean {
  if (ownedBy(cur, clientId)) return true;
  if (!isText(s.collection, field)) return false;
  const f = textFieldOf(s, field);
  return (f.base !== undefined && ownedBy(f.base, clientId) && seen < f.base) || (f.text?.edited != null && ownedBy(f.text.edited, clientId) && seen < f.text.edited);
}

/** This device wrote the text's base or its last edit: losing it loses something it typed. */
function ownsField(f: TextField, clientId: string | undefined): boolean {
  return (f.base !== undefined && ownedBy(f.base, clientId)) || (f.text?.edited != null && ownedBy(f.text.edited, clientId));
}

export function mergeAction(prev: EntityState | undefined, action: Action, localClientId?: string, cache?: TextDocCache): MergeResult {
  if (action.type === 'snapshot') return applySnapshot(prev, action, localClientId, cache);
  const base = prev ?? emptyEntity(action.collection, action.entityId);
  const s = stampOf(action);
  const conflicts: Conflict[] = [];
  let fields = base.fields;
  let stamps = base.stamps;
  let createdStamp = base.createdStamp;
  let deletedStamp = base.deletedStamp;
  let restoredStamp = base.restoredStamp;
  let purgedStamp = base.purgedStamp;
  let texts = base.texts;
  const wasDeleted = isDeleted(base);
  const fromHere = action.clientId === localClientId;

  switch (action.type) {
    case 'create':
      createdStamp = minStamp(createdStamp, s);
      break;
    case 'delete':
      deletedStamp = maxStamp(deletedStamp, s);
      break;
    case 'restore':
      restoredStamp = maxStamp(restoredStamp, s);
      break;
    case 'purge':
      purgedStamp = maxStamp(purgedStamp, s);
      break;
    case 'update':
      break;
  }

  const setText = (field: string, next: TextField) => {
    ({ fields, stamps, texts } = withTextField({ fields, stamps, texts }, field, next));
  };
  const key = (field: string) => `${action.collection}/${action.entityId}/${field}`;

  if (purgedStamp !== null) {
    if (Object.keys(fields).length > 0) fields = {};
    if (Object.keys(stamps).length > 0) stamps = {};
    texts = undefined;
  } else if (action.type === 'create' || action.type === 'update' || action.type === 'restore') {
    for (const [field, value] of Object.entries(action.payload)) {
      if (isText(action.collection, field)) {
        const cur = textFieldOf({ ...base, fields, stamps, ...(texts ? { texts } : {}) }, field);
        const next = replaceText(cur, value, s, key(field), cache);
        if (!next) continue;
        const lostStamp = latestStamp(cur);
        const lost = cur.value;
        if (lostStamp !== undefined && lost !== undefined && !fromHere && ownsField(cur, localClientId) && (action.base?.[field] ?? '') < lostStamp && lost !== next.value) {
          conflicts.push(conflict(base, field, 'overwritten', lost, lostStamp, s));
        }
        setText(field, next);
        continue;
      }
      const cur = stamps[field];
      if (cur !== undefined && cur >= s) continue;
      if (cur !== undefined && !fromHere && ownedBy(cur, localClientId) && (action.base?.[field] ?? '') < cur) {
        const lost = fields[field];
        if (lost !== undefined && lost !== value) {
          conflicts.push(conflict(base, field, 'overwritten', lost, cur, s));
        }
      }
      if (fields === base.fields) fields = { ...fields };
      if (stamps === base.stamps) stamps = { ...stamps };
      (fields as Record<string, FieldValue>)[field] = value;
      (stamps as Record<string, Stamp>)[field] = s;
    }
    for (const [field, edit] of Object.entries(action.edits ?? {})) {
      if (!isText(action.collection, field)) continue;
      const cur = textFieldOf({ ...base, fields, stamps, ...(texts ? { texts } : {}) }, field);
      const next = editText(cur, edit.base, edit.update, s, key(field), cache);
      if (next) setText(field, next);
    }
  }

  const next: EntityState = {
    collection: base.collection,
    id: base.id,
    fields,
    stamps,
    createdStamp,
    deletedStamp,
    restoredStamp,
    purgedStamp,
    ...(texts ? { texts } : {}),
  };
  const changed =
    prev === undefined ||
    texts !== base.texts ||
    fields !== base.fields ||
    stamps !== base.stamps ||
    createdStamp !== base.createdStamp ||
    deletedStamp !== base.deletedStamp ||
    restoredStamp !== base.restoredStamp ||
    purgedStamp !== base.purgedStamp;

  if (purgedStamp === null && changed) conflicts.push(...deletionConflicts(base, next, action, s, wasDeleted, localClientId));
  return { state: next, changed, conflicts };
}

function conflict(
  e: EntityState,
  field: string,
  kind: ConflictKind,
  lostValue: FieldValue,
  lostStamp: Stamp,
  winnerStamp: Stamp,
): Conflict {
  return { collection: e.collection, entityId: e.id, field, kind, lostValue, lostStamp, winnerStamp };
}

/**
 * Local edits lost to a delete made elsewhere, in either arrival order: a remote delete landing on
 * fields this device wrote after the deleter last saw them, or a local write landing on an entity
 * that another device has already deleted.
 */
function deletionConflicts(
  before: EntityState,
  after: EntityState,
  action: Action,
  s: Stamp,
  wasDeleted: boolean,
  localClientId: string | undefined,
): Conflict[] {
  if (localClientId === undefined || !isDeleted(after) || after.createdStamp === null) return [];
  const out: Conflict[] = [];
  if (action.type === 'delete' && !wasDeleted && action.clientId !== localClientId) {
    for (const [field, cur] of Object.entries(fieldStamps(before))) {
      const seen = action.base?.[field] ?? '';
      if (seen < cur && unseenOwnWrite(before, field, cur, seen, localClientId)) {
        out.push(conflict(before, field, 'deleted', before.fields[field] ?? '', cur, s));
      }
    }
  } else if (
    action.clientId === localClientId &&
    (action.type === 'update' || action.type === 'create') &&
    after.deletedStamp !== null &&
    !ownedBy(after.deletedStamp, localClientId)
  ) {
    for (const field of [...Object.keys(action.payload), ...Object.keys(action.edits ?? {})]) {
      if (fieldStamp(after, field) === s) {
        out.push(conflict(after, field, 'deleted', after.fields[field] ?? '', s, after.deletedStamp));
      }
    }
  }
  return out;
}

/**
 * An action that only edits text fields, made on another device: such actions in a row merge as a
 * run (mergeTextEditRun). They raise no conflict (a remote edit is never one, only a delete or a
 * local write on a note deleted elsewhere are) and move no base.
 */
export function isRemoteTextEdit(action: Action, localClientId: string | undefined): boolean {
  return action.type === 'update' && action.clientId !== localClientId && Object.keys(action.payload).length === 0 && action.edits !== undefined && Object.keys(action.edits).length > 0;
}

/**
 * mergeAction over a run of remote text edits (isRemoteTextEdit) of an entity that exists and is
 * not purged, one after another, with each field's document loaded, updated and encoded once for
 * the run (textMerge.ts editTextRun) instead of once per edit.
 */
export function mergeTextEditRun(prev: EntityState, actions: readonly Action[], cache?: TextDocCache): MergeResult {
  const byField = new Map<string, RunEdit[]>();
  for (const a of actions) {
    for (const [field, edit] of Object.entries(a.edits ?? {})) {
      if (!isText(a.collection, field)) continue;
      let list = byField.get(field);
      if (!list) byField.set(field, (list = []));
      list.push({ base: edit.base, update: edit.update, stamp: stampOf(a) });
    }
  }
  let state = prev;
  for (const [field, edits] of byField) {
    const next = editTextRun(textFieldOf(state, field), edits, `${prev.collection}/${prev.id}/${field}`, cache);
    if (next) state = withText(state, field, next);
  }
  return { state, changed: state !== prev, conflicts: [] };
}

/** The state with a text field as a merge left it. */
function withText(s: EntityState, field: string, next: TextField): EntityState {
  const { texts: _old, ...rest } = s;
  const { fields, stamps, texts } = withTextField({ fields: s.fields, stamps: s.stamps, texts: s.texts }, field, next);
  return { ...rest, fields, stamps, ...(texts ? { texts } : {}) };
}

interface TextParts {
  readonly fields: EntityState['fields'];
  readonly stamps: EntityState['stamps'];
  readonly texts: Readonly<Record<string, TextState>> | undefined;
}

/** A text field as a merge left it, written into the fields, stamps and texts of a state (new objects where they change). */
function withTextField(parts: TextParts, field: string, next: TextField): TextParts {
  const fields: Record<string, FieldValue> = { ...parts.fields, [field]: next.value ?? '' };
  // Edits waiting for a base not seen yet: the field shows nothing until it arrives.
  if (next.base === undefined) delete fields[field];
  const stamps = next.base === undefined ? parts.stamps : { ...parts.stamps, [field]: next.base };
  const texts: Record<string, TextState> = { ...parts.texts };
  if (next.text) texts[field] = next.text;
  else delete texts[field];
  return { fields, stamps, texts: Object.keys(texts).length > 0 ? texts : undefined };
}

/** Fold many actions (a pulled page, or a whole log for replay). */
export function mergeAll(
  states: Map<string, EntityState>,
  actions: Iterable<Action>,
  localClientId?: string,
  cache?: TextDocCache,
): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const a of actions) {
    const key = entityKey(a.collection, a.entityId);
    const r = mergeAction(states.get(key), a, localClientId, cache);
    if (r.changed) states.set(key, r.state);
    conflicts.push(...r.conflicts);
  }
  return conflicts;
}

export function entityKey(collection: string, entityId: string): string {
  return `${collection}/${entityId}`;
}
