// The notes list kept up to date from change events without reading it all again: the rows of the
// notes that changed are put in (or taken out) in place, the list staying most recent change first.
// Rows that did not change keep their object, so a keyed view does not render them again.
import type { NoteSummary } from '../../worker/api';

/** The list's order: most recent change first; ties by id, descending (as the worker lists them). */
export function listedBefore(a: NoteSummary, b: NoteSummary): boolean {
  return a.changedAt !== b.changedAt ? a.changedAt > b.changedAt : a.id > b.id;
}

export function sameRow(a: NoteSummary, b: NoteSummary): boolean {
  return a.id === b.id && a.title === b.title && a.snippet === b.snippet && a.changedAt === b.changedAt && a.pending === b.pending;
}

/** Where `note` goes in the ordered `list` (binary search). */
export function insertionIndex(list: readonly NoteSummary[], note: NoteSummary): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (listedBefore(list[mid]!, note)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ordered `list` with the rows `changed` put in (replacing any row of the same id) and the
 * notes `removed` taken out. Returns `list` itself when nothing it shows changed.
 */
export function patchList(
  list: readonly NoteSummary[],
  changed: readonly NoteSummary[],
  removed: readonly string[],
): readonly NoteSummary[] {
  const incoming = new Map(changed.map((n) => [n.id, n]));
  const gone = new Set(removed);
  let touched = false;
  const kept: NoteSummary[] = [];
  for (const row of list) {
    const next = incoming.get(row.id);
    if (next && sameRow(row, next)) {
      incoming.delete(row.id);
      kept.push(row);
    } else if (next || gone.has(row.id)) touched = true;
    else kept.push(row);
  }
  if (!touched && incoming.size === 0) return list;
  for (const note of incoming.values()) kept.splice(insertionIndex(kept, note), 0, note);
  return kept;
}

/** A list read anew, with the rows that did not change keeping their objects from `previous`. */
export function keepUnchanged(previous: readonly NoteSummary[], fresh: readonly NoteSummary[]): readonly NoteSummary[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return fresh.map((n) => {
    const old = before.get(n.id);
    return old && sameRow(old, n) ? old : n;
  });
}
