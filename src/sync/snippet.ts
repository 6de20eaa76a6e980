// A note's list line, the same rule wherever a list is drawn: the worker reads it from SQLite, the
// page works it out from the text being typed (an optimistic row), and both must agree, or the row
// would change once more when the worker confirms.

/** Only this much of the body is read for the list (SQLite's substr; the page cuts as many code units). */
export const SNIPPET_SOURCE_CHARS = 400;
const SNIPPET_MAX_CHARS = 140;

/** The first non-blank line of `head` (the start of a body), trimmed and cut, for the list. */
export function snippetOf(head: string): string {
  const line = head.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = line.trim();
  return t.length > SNIPPET_MAX_CHARS ? `${t.slice(0, SNIPPET_MAX_CHARS - 1)}…` : t;
}

/** The list line of a whole body: what the worker will list once it is saved. */
export function snippetOfBody(body: string): string {
  return snippetOf(body.slice(0, SNIPPET_SOURCE_CHARS));
}
