// The state join (DESIGN.md section 3): the merge of two whole entity states, which is what applying
// a snapshot is.
//
// Invariants (property tests in tests/sync/join.property.test.ts):
// - Commutative, associative, idempotent, so join(state(A), state(B)) = state(A ∪ B): per LWW field
//   the value of the greater stamp; per text field the greater base, the documents made on that base
//   merged (Yjs), the waiting edits of both kept while their base is greater, applied when it is the
//   base; tombstones min (created) and max (deleted, restored, purged); purge clears the fields.
// - It agrees with merge.ts action by action: folding actions into a state and joining states give
//   the same entity, whatever was folded where.

import { isCollectionName, isTextField } from './collections';
import type { EntityState } from './entity';
import { maxStamp, minStamp, type Stamp } from './stamp';
import type { TextState, WaitingEdit } from './text/textMerge';
import { applyUpdates, joinStates as joinDocs, type TextDocCache } from './text/yjsText';

interface Side {
  readonly value: string | undefined;
  readonly base: Stamp | undefined;
  readonly text: TextState | undefined;
}

function side(s: EntityState, f: string): Side {
  return { value: s.fields[f], base: s.stamps[f], text: s.texts?.[f] };
}

/** The join of one text field's two sides: the result's value, base and text state. */
function joinText(x: Side, y: Side, key: string, cache?: TextDocCache): Side {
  const base = maxStamp(x.base ?? null, y.base ?? null) ?? undefined;
  const byStamp = new Map<Stamp, WaitingEdit>();
  for (const w of [...(x.text?.waiting ?? []), ...(y.text?.waiting ?? [])]) byStamp.set(w.stamp, w);
  const waiting = [...byStamp.values()].sort((a, b) => (a.stamp < b.stamp ? -1 : 1));
  if (base === undefined) return { value: undefined, base: undefined, text: waiting.length > 0 ? { doc: null, edited: null, waiting } : undefined };

  const on = [x, y].filter((s) => s.base === base);
  const due = waiting.filter((w) => w.base === base);
  const later = waiting.filter((w) => w.base > base);
  const edited = [...on.map((s) => s.text?.edited ?? null), ...due.map((w) => w.stamp)].reduce<Stamp | null>((m, s) => maxStamp(m, s), null);
  const docs = on.map((s) => s.text?.doc ?? null).filter((d): d is Uint8Array => d !== null);
  const seedText = on.find((s) => (s.text?.doc ?? null) === null)?.value ?? on[0]!.value ?? '';
  if (docs.length === 0 && due.length === 0) {
    return { value: seedText, base, text: later.length > 0 || edited !== null ? { doc: null, edited, waiting: later } : undefined };
  }
  // One document is the starting point; the other side's document (if any) and the due edits merge in.
  const [first, ...rest] = docs;
  const src = { key, baseStamp: base, baseText: seedText, doc: first ?? null };
  let applied = rest.length > 0 ? joinDocs(src, rest, cache) : null;
  if (due.length > 0) applied = applyUpdates(applied ? { ...src, doc: applied.state } : src, due.map((w) => w.update), cache);
  const doc = applied?.state ?? first!;
  const value = applied?.text ?? (on.find((s) => s.text?.doc === first)?.value ?? seedText);
  return { value, base, text: { doc, edited, waiting: later } };
}

export function joinEntities(a: EntityState, b: EntityState, cache?: TextDocCache): EntityState {
  const purgedStamp = maxStamp(a.purgedStamp, b.purgedStamp);
  const tombstones = {
    createdStamp: minStamp(a.createdStamp, b.createdStamp),
    deletedStamp: maxStamp(a.deletedStamp, b.deletedStamp),
    restoredStamp: maxStamp(a.restoredStamp, b.restoredStamp),
    purgedStamp,
  };
  if (purgedStamp !== null) return { collection: a.collection, id: a.id, fields: {}, stamps: {}, ...tombstones };

  const fields: Record<string, string> = {};
  const stamps: Record<string, Stamp> = {};
  const texts: Record<string, TextState> = {};
  const names = new Set([...Object.keys(a.stamps), ...Object.keys(b.stamps), ...Object.keys(a.texts ?? {}), ...Object.keys(b.texts ?? {})]);
  for (const f of [...names].sort()) {
    if (isCollectionName(a.collection) && isTextField(a.collection, f)) {
      const j = joinText(side(a, f), side(b, f), `${a.collection}/${a.id}/${f}`, cache);
      if (j.base !== undefined) {
        stamps[f] = j.base;
        fields[f] = j.value ?? '';
      }
      if (j.text) texts[f] = j.text;
      continue;
    }
    const sa = a.stamps[f];
    const sb = b.stamps[f];
    const winner = sb === undefined || (sa !== undefined && sa >= sb) ? a : b;
    const st = winner.stamps[f];
    if (st === undefined) continue;
    stamps[f] = st;
    fields[f] = winner.fields[f] ?? '';
  }
  return { collection: a.collection, id: a.id, fields, stamps, ...tombstones, ...(Object.keys(texts).length > 0 ? { texts } : {}) };
}
