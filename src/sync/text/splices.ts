// Text changes as splices, and carrying one side's changes over another's (a three-way merge of plain
// strings). The editor uses it to keep what the person typed while a remote edit lands, and the worker
// to turn "this text became that" into Yjs operations on a document that moved on meanwhile. Pure.
//
// Invariants:
// - diffSplices(a, b) applied to a gives b; splices are sorted, disjoint, and never split a
//   surrogate pair (fast-diff's semantic cleanup keeps hunks readable, not character soup).
// - rebase(base, mine, theirs) contains every change of theirs, and of mine every insert and every
//   delete of text theirs still has; where both insert at one point, mine goes first.
// - mapPosition keeps a caret next to the text it followed.

import diff from 'fast-diff';

/** At `index` (of the text it applies to), remove `deleteCount` code units and insert `insert`. */
export interface Splice {
  readonly index: number;
  readonly deleteCount: number;
  readonly insert: string;
}

export function diffSplices(from: string, to: string): Splice[] {
  if (from === to) return [];
  const out: Splice[] = [];
  let index = 0;
  let pending: { index: number; deleteCount: number; insert: string } | null = null;
  for (const [op, text] of diff(from, to, undefined, true)) {
    if (op === diff.EQUAL) {
      if (pending) out.push(pending);
      pending = null;
      index += text.length;
      continue;
    }
    pending ??= { index, deleteCount: 0, insert: '' };
    if (op === diff.DELETE) {
      pending.deleteCount += text.length;
      index += text.length;
    } else pending.insert += text;
  }
  if (pending) out.push(pending);
  return out;
}

export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = '';
  let at = 0;
  for (const s of splices) {
    out += text.slice(at, s.index) + s.insert;
    at = s.index + s.deleteCount;
  }
  return out + text.slice(at);
}

/** Where base position `p` lands in the text `theirs` made of base; at an insert of theirs, before it. */
function mapPoint(theirs: readonly Splice[], p: number): number {
  let delta = 0;
  for (const s of theirs) {
    if (p <= s.index) break;
    if (p < s.index + s.deleteCount) return s.index + delta + s.insert.length;
    delta += s.insert.length - s.deleteCount;
  }
  return p + delta;
}

/** The parts of base range [a, b) that theirs kept, in theirs' positions. */
function keptRanges(theirs: readonly Splice[], a: number, b: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let delta = 0;
  let at = a;
  for (const s of theirs) {
    if (at >= b) break;
    const sEnd = s.index + s.deleteCount;
    if (sEnd <= at && s.index < at) {
      delta += s.insert.length - s.deleteCount;
      continue;
    }
    if (s.index >= b) break;
    if (s.index > at) out.push({ start: at + delta, end: s.index + delta });
    at = Math.max(at, sEnd);
    delta += s.insert.length - s.deleteCount;
  }
  if (at < b) out.push({ start: at + delta, end: b + delta });
  return out.filter((r) => r.end > r.start);
}

/** `mine` (splices on `base`) carried over onto `theirs` (another edit of `base`): splices on theirs. */
export function rebaseSplices(base: string, mine: readonly Splice[], theirs: string): Splice[] {
  if (base === theirs) return [...mine];
  const their = diffSplices(base, theirs);
  const out: Splice[] = [];
  for (const m of mine) {
    const at = mapPoint(their, m.index);
    const kept = keptRanges(their, m.index, m.index + m.deleteCount);
    if (m.insert.length > 0) out.push({ index: at, deleteCount: 0, insert: m.insert });
    for (const r of kept) out.push({ index: r.start, deleteCount: r.end - r.start, insert: '' });
  }
  return normalize(out);
}

/** Sorted, and splices at one index merged, so they apply left to right without overlapping. */
function normalize(splices: Splice[]): Splice[] {
  const sorted = splices
    .map((s, i) => ({ s, i }))
    .sort((x, y) => x.s.index - y.s.index || x.i - y.i)
    .map((x) => x.s);
  const out: Splice[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && last.index + last.deleteCount === s.index && (last.deleteCount === 0 || s.insert.length === 0)) {
      out[out.length - 1] = { index: last.index, deleteCount: last.deleteCount + s.deleteCount, insert: last.insert + s.insert };
    } else out.push(s);
  }
  return out.filter((s) => s.deleteCount > 0 || s.insert.length > 0);
}

/** Three-way merge of strings: theirs, with what mine changed of base. */
export function rebaseText(base: string, mine: string, theirs: string): string {
  // Theirs already holds my change (my own save came back, or a restore put my text back): applying
  // it again would repeat it.
  if (mine === base || mine === theirs) return theirs;
  if (theirs === base) return mine;
  return applySplices(theirs, rebaseSplices(base, diffSplices(base, mine), theirs));
}

/** Where position `pos` of `from` is in `to` (a caret or selection end across a change). */
export function mapPosition(from: string, to: string, pos: number): number {
  if (from === to) return pos;
  return Math.min(to.length, mapPoint(diffSplices(from, to), pos));
}
