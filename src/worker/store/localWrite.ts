// What a local write becomes before it is logged: the Yjs edits of its text fields (made on the
// current bases, carried over what reached a document since the editor read it), and the `base` it
// declares (what its writer had seen, for conflict detection elsewhere).

import type { ActionType, TextEdit } from '../../sync/action';
import { isTextField, type CollectionName } from '../../sync/collections';
import { fieldStamp, fieldStamps, type EntityState } from '../../sync/merge';
import { diffSplices, rebaseSplices } from '../../sync/text/splices';
import { makeEdit, type TextDocCache } from '../../sync/text/yjsText';
import { ValidationError } from '../errors';

export interface LocalWrite {
  readonly collection: CollectionName;
  readonly entityId: string;
  readonly type: ActionType;
  /** create/update/restore: the fields written; delete/purge: none. */
  readonly payload?: Readonly<Record<string, string>>;
  /** Per field, the stamp the user edited on top of; defaults to the row's current stamp. */
  readonly base?: Readonly<Record<string, string>>;
  /**
   * Text fields edited rather than replaced: the text the user's change was made on (`from`) and
   * what they made of it (`to`). Turned into Yjs operations on the field's document, carried over
   * any change that reached the document since `from` was read. A field with no base yet is written
   * as a replace.
   */
  readonly textEdits?: Readonly<Record<string, { readonly from: string; readonly to: string }>>;
  /** Made where the user acted, so a retried call is applied once. */
  readonly actionId?: string;
  /**
   * A create that must make a new entity: refused (ValidationError) when the id is in use already,
   * unless it is this same write again (its actionId is logged). Checked on the row the write reads
   * anyway, so the check costs no query of its own.
   */
  readonly mustBeNew?: boolean;
}

/** Text edits as Yjs updates on the current bases; a field without a base goes to `payload` as a replace. */
export function textEditsOf(w: LocalWrite, current: EntityState | undefined, payload: Record<string, string>, cache: TextDocCache): Record<string, TextEdit> {
  const edits: Record<string, TextEdit> = {};
  for (const [field, { from, to }] of Object.entries(w.textEdits ?? {})) {
    if (!isTextField(w.collection, field)) throw new ValidationError(`${field} is not a text field`);
    const baseStamp = current?.stamps[field];
    if (!current || baseStamp === undefined || current.purgedStamp !== null) {
      payload[field] = to;
      continue;
    }
    const src = {
      key: `${w.collection}/${w.entityId}/${field}`,
      baseStamp,
      baseText: current.texts?.[field]?.doc ? '' : (current.fields[field] ?? ''),
      doc: current.texts?.[field]?.doc ?? null,
    };
    const now = current.fields[field] ?? '';
    const mine = diffSplices(from, to);
    // Carried over, a change may come to nothing (what it deleted is gone already): the edit is then
    // an empty update, still one action for the one call. A text that already reads as the change
    // would make it (a Restore put the user's text back, and the editor sends its failed save
    // again) takes nothing: carrying it over would insert the text a second time.
    const splices = now === from ? mine : now === to ? [] : rebaseSplices(from, mine, now);
    edits[field] = { base: baseStamp, update: makeEdit(src, splices, cache).update };
  }
  return edits;
}


/**
 * What the writer had seen, per field (DESIGN.md section 3): an edit sends, for each field it
 * writes, the stamp the UI showed (or the row's current one); a delete sends the stamps of every
 * field, so a device whose later edit the deleter never saw can tell it lost that edit.
 */
export function baseFor(
  w: LocalWrite,
  payload: Readonly<Record<string, string>>,
  current: EntityState | undefined,
): Record<string, string> | undefined {
  switch (w.type) {
    case 'delete':
      return current && Object.keys(current.stamps).length > 0 ? fieldStamps(current) : undefined;
    case 'purge':
      return undefined;
    case 'create':
      if (current === undefined) return undefined;
      break;
    case 'update':
    case 'restore':
      break;
  }
  const base: Record<string, string> = {};
  for (const f of Object.keys(payload)) base[f] = w.base?.[f] ?? (current ? fieldStamp(current, f) : undefined) ?? '';
  return base;
}

