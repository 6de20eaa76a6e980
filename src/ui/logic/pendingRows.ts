// The list as the page shows it: the worker's rows with the changes made here and not yet confirmed
// laid on top (optimistic writes). A change shows the moment it is made; the worker confirms it
// (its list refresh carries the real row, and the entry is dropped) or refuses it (the entry is
// dropped at once, and the row is back to what is stored: a visible rollback). Pure: the signals
// holding the overlay live in state/store.ts.
import type { NoteSummary } from '../../worker/api';
import { snippetOfBody } from '../../sync/snippet';
import { insertionIndex } from './listPatch';

/**
 * One note's change made here: `put` shows the row as written (a new note, typed text), `remove`
 * hides it (a delete). Each change is its own object, so confirming an older one never drops a
 * newer change to the same note (see `settle`).
 */
export type PendingChange = { readonly kind: 'put'; readonly row: NoteSummary } | { readonly kind: 'remove' };

export type Overlay = ReadonlyMap<string, PendingChange>;

export const emptyOverlay: Overlay = new Map();

/** `overlay` with `change` as note `id`'s latest change (replacing any older one). */
export function pend(overlay: Overlay, id: string, change: PendingChange): Overlay {
  const next = new Map(overlay);
  next.set(id, change);
  return next;
}

/**
 * `overlay` without note `id`'s entry if that entry is still `change` (confirmed or refused);
 * `overlay` itself when a newer change has taken its place, or it is gone already.
 */
export function settle(overlay: Overlay, id: string, change: PendingChange): Overlay {
  if (overlay.get(id) !== change) return overlay;
  const next = new Map(overlay);
  next.delete(id);
  return next;
}

/**
 * The ordered `list` (most recent change first) with `overlay` on top: removed notes left out, put
 * rows in their place by `changedAt`. Rows without a pending change keep their objects; the list
 * itself is returned when the overlay is empty.
 */
export function withOverlay(list: readonly NoteSummary[], overlay: Overlay): readonly NoteSummary[] {
  if (overlay.size === 0) return list;
  const out = list.filter((row) => !overlay.has(row.id));
  for (const [, change] of overlay) {
    if (change.kind === 'put') out.splice(insertionIndex(out, change.row), 0, change.row);
  }
  return out;
}

/**
 * The row of a note written here and not confirmed yet: its text as on screen (the list line worked
 * out as the worker will), changed now, so it moves to the top as the saved one will. `before` is
 * the row shown until now: a clock that went back never moves the row down.
 */
export function writtenRow(id: string, text: { readonly title: string; readonly body: string }, now: number, before?: NoteSummary): NoteSummary {
  return { id, title: text.title, snippet: snippetOfBody(text.body), changedAt: Math.max(now, before?.changedAt ?? 0), pending: true };
}
