// The merge rule of a text field (DESIGN.md sections 2 and 3): a base and the Yjs edits made on it.
//
// Invariants (property tests in tests/sync/text/textMerge.property.test.ts):
// - The state of a text field is a function of the set of writes it has seen, whatever their order
//   or batching: base = the replace with the greatest stamp; document = its seed plus every edit
//   made on it; waiting = the edits on a base greater than the current one (kept until it arrives);
//   edits on a smaller base are moot and dropped. So the merge is commutative, associative and
//   idempotent, like the LWW fields beside it.
// - The visible value is always the current base's document's text (the seed's text while no edit
//   has landed), so readers of the materialized row (search, list, export) need not know Yjs.
// - `edited` is the greatest stamp of an edit merged on the current base: with the base stamp it says
//   what a writer had seen of the field (conflict detection, "last changed").

import type { Stamp } from '../stamp';
import { maxStamp } from '../stamp';
import { applyUpdates, mergeUpdateList, type TextDocCache } from './yjsText';

export interface WaitingEdit {
  readonly base: Stamp;
  readonly update: string;
  readonly stamp: Stamp;
}

export interface TextState {
  /** The current base's document with its edits (Yjs state, seed included); null: the seed alone. */
  readonly doc: Uint8Array | null;
  readonly edited: Stamp | null;
  readonly waiting: readonly WaitingEdit[];
}

/** A text field as the merge sees it: the visible value, the base stamp, and the text state. */
export interface TextField {
  readonly value: string | undefined;
  readonly base: Stamp | undefined;
  readonly text: TextState | undefined;
}

export const noText: TextState = { doc: null, edited: null, waiting: [] };

/** What the field's writer had seen, at the latest: the greater of its base and its last edit. */
export function latestStamp(f: TextField): Stamp | undefined {
  return maxStamp(f.base ?? null, f.text?.edited ?? null) ?? undefined;
}

/** A replace: `value` becomes a new base at stamp `s` when it is the greatest base seen. */
export function replaceText(f: TextField, value: string, s: Stamp, key: string, cache?: TextDocCache): TextField | null {
  if (f.base !== undefined && f.base >= s) return null;
  const waiting = f.text?.waiting ?? [];
  const mine = waiting.filter((w) => w.base === s);
  const rest = waiting.filter((w) => w.base > s);
  if (mine.length === 0) return { value, base: s, text: rest.length > 0 ? { doc: null, edited: null, waiting: rest } : undefined };
  const applied = applyUpdates({ key, baseStamp: s, baseText: value, doc: null }, mine.map((w) => w.update), cache);
  const edited = mine.reduce<Stamp | null>((m, w) => maxStamp(m, w.stamp), null);
  return { value: applied.text, base: s, text: { doc: applied.state, edited, waiting: rest } };
}

/** An edit made on base `editBase`: merged when that is the current base, kept when it is later. */
export function editText(f: TextField, editBase: Stamp, update: string, s: Stamp, key: string, cache?: TextDocCache): TextField | null {
  return editTextRun(f, [{ base: editBase, update, stamp: s }], key, cache);
}

/** An edit of a run (editTextRun): made on `base`, stamped `stamp`. */
export interface RunEdit {
  readonly base: Stamp;
  readonly update: string;
  readonly stamp: Stamp;
}

/**
 * Edits of one field in order: each made on the current base is merged, one on a later base is kept
 * waiting, one on an earlier base is dropped. The merged ones go into the document at once: one
 * load, one encode, one toString for the run instead of one each (a pulled page of someone's typing
 * is many edits of one note). The same state as one edit at a time: no edit moves the base, and the
 * text depends only on the set of updates applied.
 */
export function editTextRun(f: TextField, edits: readonly RunEdit[], key: string, cache?: TextDocCache): TextField | null {
  const cur = f.text ?? noText;
  let waiting = cur.waiting;
  const merged: RunEdit[] = [];
  for (const e of edits) {
    if (f.base === undefined || e.base > f.base) {
      if (!waiting.some((w) => w.stamp === e.stamp)) waiting = [...waiting, { base: e.base, update: e.update, stamp: e.stamp }];
    } else if (e.base === f.base) merged.push(e);
  }
  if (merged.length === 0) return waiting === cur.waiting ? null : { ...f, text: { ...cur, waiting } };
  const base = f.base!;
  const applied = applyUpdates({ key, baseStamp: base, baseText: f.value ?? '', doc: cur.doc }, merged.map((e) => e.update), cache);
  const edited = merged.reduce<Stamp | null>((m, e) => maxStamp(m, e.stamp), cur.edited);
  if (waiting === cur.waiting && applied.text === f.value && edited === cur.edited && cur.doc !== null && equalBytes(cur.doc, applied.state)) {
    return null;
  }
  return { value: applied.text, base, text: { doc: applied.state, edited, waiting } };
}

/** Waiting edits as one update per base (what a snapshot carries). */
export function compactWaiting(waiting: readonly WaitingEdit[]): WaitingEdit[] {
  const byBase = new Map<Stamp, WaitingEdit[]>();
  for (const w of waiting) byBase.set(w.base, [...(byBase.get(w.base) ?? []), w]);
  return [...byBase.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([base, ws]) => ({
      base,
      update: ws.length === 1 ? ws[0]!.update : mergeUpdateList(ws.map((w) => w.update)),
      stamp: ws.reduce((m, w) => (w.stamp > m ? w.stamp : m), ws[0]!.stamp),
    }));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
