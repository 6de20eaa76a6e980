// Cuts a string into plain and matched pieces from [start, end) ranges (api.ts TextRange), so the
// list can wrap matches in <mark> as text nodes. Note text is never parsed as HTML.
import type { TextRange } from '../../worker/api';

export interface Segment {
  readonly text: string;
  readonly match: boolean;
}

/**
 * The pieces of `text`, in order, joined back they are `text`. Ranges the worker promises sorted,
 * disjoint and in bounds; any that are not (a stale answer for a string since changed) are clamped
 * or skipped rather than trusted.
 */
export function highlightSegments(text: string, ranges: readonly TextRange[] | undefined): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const r of ranges ?? []) {
    const start = Math.max(at, Math.min(r.start, text.length));
    const end = Math.min(Math.max(r.end, start), text.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: text.slice(at, start), match: false });
    out.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), match: false });
  return out;
}

/**
 * A one-line snippet cut so its first match shows near the start: the list row has room for a few
 * words, and a match at the end of a long snippet would fall under the ellipsis. The text before
 * the match is cut at a word start, at most `lead` characters before it, marked with '…'.
 */
export function leadToFirstMatch(
  text: string,
  ranges: readonly TextRange[] | undefined,
  lead = 20,
): { text: string; ranges: readonly TextRange[] | undefined } {
  const first = ranges?.[0];
  if (!ranges || !first || first.start <= lead + 1) return { text, ranges };
  // The first word start within `lead` characters of the match (or the match itself).
  let cut = first.start;
  for (let i = first.start - lead; i < first.start; i++) {
    if (i > 0 && /\s/.test(text.charAt(i - 1)) && !/\s/.test(text.charAt(i))) {
      cut = i;
      break;
    }
  }
  const shift = cut - 1;
  return {
    text: `…${text.slice(cut)}`,
    ranges: ranges.map((r) => ({ start: r.start - shift, end: r.end - shift })),
  };
}
