// Full-text search over visible notes with the FTS5 index of migration v3 (notes_fts), brought up
// to date from its queue (migration v5, searchIndex.ts) before every query.
//
// The user's text never reaches FTS5 as query syntax: it is cut into terms the way the unicode61
// tokenizer cuts text (runs of letters, digits, marks), and every term becomes a quoted prefix
// query, `"term"*`, all of them required. So quotes, AND/OR/NOT/NEAR, `*`, `^`, `:`, `-` and
// parentheses are just text, and a query can never be a syntax error.
//
// Results are ranked by bm25 (title weighted above body, see the migration), best first. The order
// is by rank alone: FTS5 then sorts inside the index and the expensive columns (highlight,
// snippet) are computed for the returned rows only; a second sort key would make SQLite compute
// them for every match first (1.8 s instead of 25 ms for "k" on 10,000 notes). Highlights come from FTS5 itself (highlight() and snippet(), so they mark exactly
// the tokens that matched, diacritics folded) and are returned as plain text plus [start, end)
// ranges in UTF-16 code units: the UI wraps those ranges in <mark> without ever parsing HTML.
// FTS5 marks matches with the control characters STX/ETX; a note that itself contains one of them
// (practically never) is shown without highlights rather than with wrong ones.

import { stampMs } from '../../sync/stamp';
import type { NoteSearchHit, TextRange } from '../api';
import { snippetOf } from './noteQueries';
import { BEHIND_DOCS_SQL, indexBehind, indexQueuedNotes } from './searchIndex';
import { int, text, textOrNull, type Db, type Row } from '../db/sql';

/** Most terms a query may have; the rest are ignored (a pasted paragraph is not a search). */
export const MAX_TERMS = 16;
/** Longest term kept; longer ones are cut (a prefix of them still finds them). */
export const MAX_TERM_LENGTH = 64;
export const DEFAULT_SEARCH_LIMIT = 200;
export const MAX_SEARCH_LIMIT = 1_000;
/** Tokens of body text around the best match in a hit's snippet. */
const SNIPPET_TOKENS = 16;
const SNIPPET_SOURCE_CHARS = 400;

const OPEN = '\u0002';
const CLOSE = '\u0003';

/** unicode61's token characters: letters, digits, private use; marks fold into their letter. */
const TERM = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const HAS_TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;

/** The terms of a query, as the tokenizer will see them. */
export function searchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of query.normalize('NFC').matchAll(TERM)) {
    const term = m[0];
    if (!HAS_TOKEN_CHAR.test(term)) continue;
    terms.push(term.length > MAX_TERM_LENGTH ? [...term].slice(0, MAX_TERM_LENGTH).join('') : term);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/**
 * The FTS5 MATCH expression for a query: every term a quoted prefix, all required. Undefined when
 * the query has no term at all (nothing to search for).
 */
export function ftsQuery(query: string): string | undefined {
  const terms = searchTerms(query);
  if (terms.length === 0) return undefined;
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(' ');
}

/** Splits FTS5 output marked with STX/ETX into the plain text and the marked ranges. */
export function parseMarked(marked: string): { text: string; ranges: TextRange[] } {
  let out = '';
  const ranges: TextRange[] = [];
  let start = -1;
  for (const ch of marked) {
    if (ch === OPEN) {
      start = out.length;
    } else if (ch === CLOSE) {
      if (start >= 0 && out.length > start) ranges.push({ start, end: out.length });
      start = -1;
    } else {
      out += ch;
    }
  }
  return { text: out, ranges: mergeAdjacent(ranges) };
}

function mergeAdjacent(ranges: TextRange[]): TextRange[] {
  const out: TextRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last.end >= r.start) out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}

function withoutMarkers(s: string): string {
  return s.replaceAll(OPEN, '').replaceAll(CLOSE, '');
}

/** One line for the list: line breaks and tabs become spaces, one for one, so ranges still fit. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]/g, ' ');
}

const hasPending = `EXISTS (SELECT 1 FROM actions a INDEXED BY actions_pending_by_entity WHERE a.collection = 'notes' AND a.entity_id = n.id AND a.status = 'pending' AND a.type != 'snapshot')`;
const hasMarkers = (column: string) => `(instr(${column}, char(2)) > 0 OR instr(${column}, char(3)) > 0)`;

export interface SearchOptions {
  readonly limit?: number;
}

/** The hit columns, read from the FTS5 table `fts` joined to its notes. */
function hitSql(fts: string, where: string): string {
  return `SELECT n.id, n.title, n.changed_stamp, substr(n.body, 1, ${SNIPPET_SOURCE_CHARS}) AS head,
            highlight(${fts}, 0, char(2), char(3)) AS title_marked,
            snippet(${fts}, 1, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS body_marked,
            ${hasMarkers('n.title')} AS title_has_markers,
            ${hasMarkers('n.body')} AS body_has_markers,
            ${hasPending} AS pending
     FROM ${fts} JOIN notes n ON n.doc = ${fts}.rowid
     WHERE ${fts} MATCH ? AND n.visible = 1 ${where}
     ORDER BY ${fts}.rank
     LIMIT ?`;
}

/**
 * The index could not catch up (the disk is full): the notes it is behind on are indexed in memory
 * for this search, and the stale index answers for the rest, so a full disk still finds every saved
 * note. Their hits come first: they are the ones just written.
 */
function searchWhileBehind(db: Db, match: string, limit: number): Row[] {
  db.exec(`DROP TABLE IF EXISTS temp.notes_fts_behind;
    CREATE VIRTUAL TABLE temp.notes_fts_behind USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2');
    INSERT INTO temp.notes_fts_behind (notes_fts_behind, rank) VALUES ('rank', 'bm25(10.0, 1.0)');`);
  try {
    db.exec(`INSERT INTO temp.notes_fts_behind (rowid, title, body)
      SELECT doc, title, body FROM notes WHERE doc IN (${BEHIND_DOCS_SQL})`);
    const fresh = db.selectObjects(hitSql('notes_fts_behind', ''), [match, limit]);
    const rest = db.selectObjects(hitSql('notes_fts', `AND n.doc NOT IN (${BEHIND_DOCS_SQL})`), [match, limit - fresh.length]);
    return [...fresh, ...rest];
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.notes_fts_behind');
  }
}

/** Visible notes matching every term of `query` (as a prefix), best match first. */
export function searchNotes(db: Db, query: string, options: SearchOptions = {}): NoteSearchHit[] {
  const match = ftsQuery(query);
  if (match === undefined) return [];
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_SEARCH_LIMIT)), MAX_SEARCH_LIMIT);
  // Writes queue their rows for the index (searchIndex.ts): what is queued is indexed first.
  let rows: Row[];
  try {
    indexQueuedNotes(db);
    rows = db.selectObjects(hitSql('notes_fts', ''), [match, limit]);
  } catch (error) {
    if (!indexBehind(db)) throw error;
    rows = searchWhileBehind(db, match, limit);
  }
  return rows.map((r) => {
    const title = textOrNull(r, 'title') ?? '';
    const titleMarked = textOrNull(r, 'title_marked') ?? '';
    const titleHit = int(r, 'title_has_markers') === 1 ? { text: title, ranges: [] } : parseMarked(titleMarked);
    const bodyMarked = textOrNull(r, 'body_marked') ?? '';
    let snippet: { text: string; ranges: TextRange[] };
    if (!bodyMarked.includes(OPEN)) {
      // The body did not match (the title did): the same line the list shows.
      snippet = { text: snippetOf(textOrNull(r, 'head') ?? ''), ranges: [] };
    } else if (int(r, 'body_has_markers') === 1) {
      snippet = { text: oneLine(withoutMarkers(bodyMarked)).trim(), ranges: [] };
    } else {
      const parsed = parseMarked(bodyMarked);
      snippet = { text: oneLine(parsed.text), ranges: parsed.ranges };
    }
    return {
      id: text(r, 'id'),
      title: titleHit.text,
      snippet: snippet.text,
      changedAt: stampMs(text(r, 'changed_stamp')),
      pending: int(r, 'pending') === 1,
      titleRanges: titleHit.ranges,
      snippetRanges: snippet.ranges,
    };
  });
}
