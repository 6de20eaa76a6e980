// The JSON export format, version 1 (documented for people in docs/export-format.md):
//
//   {
//     "format": "notes-export",           always this string: what the file is
//     "version": 1,                        the format's version: readers refuse versions they do not know
//     "exportedAt": "2025-06-15T10:00:00.000Z",   ISO 8601, UTC
//     "notes": [
//       { "id": "0197…",                   the note's UUID: importing it again updates, never duplicates
//         "title": "Shopping",             at most 1,000 characters
//         "body": "Milk\nBread",           at most 500,000 characters
//         "createdAt": "2025-06-01T08:00:00.000Z",
//         "updatedAt": "2025-06-14T18:30:00.000Z" }
//     ]
//   }
//
// Versioning: readers ignore keys they do not know, so adding an optional key is not a new version;
// a change that old readers would misread (renaming, retyping, new meaning) is version 2. Only
// visible notes are exported (not the Trash). Dates say when the note was made and last changed;
// an import keeps ids, titles and bodies, and the note's dates on the importing device are the
// import's (every write is stamped when it happens, so sync stays ordered).

import * as v from 'valibot';
import { collections } from '../../sync/collections';
import { UUID_PATTERN } from '../../sync/protocol';
import { ValidationError } from '../errors';

export const EXPORT_FORMAT = 'notes-export';
export const EXPORT_VERSION = 1;
/** Largest file an import reads, in characters (a 10,000-note export of average notes is ~20 MB). */
export const MAX_IMPORT_CHARS = 64 * 1024 * 1024;
export const MAX_IMPORT_NOTES = 100_000;

export interface ExportedNote {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NotesExport {
  readonly format: typeof EXPORT_FORMAT;
  readonly version: typeof EXPORT_VERSION;
  readonly exportedAt: string;
  readonly notes: readonly ExportedNote[];
}

export interface NoteForExport {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Wall-clock ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function buildExport(notes: readonly NoteForExport[], exportedAt: number): NotesExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: iso(exportedAt),
    notes: notes.map((n) => ({ id: n.id, title: n.title, body: n.body, createdAt: iso(n.createdAt), updatedAt: iso(n.updatedAt) })),
  };
}

/** The file's text: indented, so a person can read and diff it. */
export function exportText(e: NotesExport): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

const limits = collections.notes.fields;

/** valibot reports a missing key as an issue of its object: say "is missing" for that. */
const objectMessage =
  (what: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.expected?.startsWith('"') ? 'is missing' : `must be ${what}`;
const Timestamp = v.pipe(v.string('must be a string'), v.isoTimestamp('must be an ISO 8601 date and time'));

const ExportedNoteSchema = v.object(
  {
    id: v.pipe(v.string('must be a string'), v.regex(UUID_PATTERN, 'must be a UUID')),
    title: v.pipe(
      v.string('must be a string'),
      v.maxLength(limits.title.maxLength, `must be at most ${limits.title.maxLength} characters`),
    ),
    body: v.pipe(v.string('must be a string'), v.maxLength(limits.body.maxLength, `must be at most ${limits.body.maxLength} characters`)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  objectMessage('an object'),
);

// Checked in two steps, so a file of another kind or version is named as such instead of being
// reported field by field.
const EnvelopeSchema = v.object(
  {
    format: v.literal(EXPORT_FORMAT, `must be "${EXPORT_FORMAT}" (this is not a notes export)`),
    version: v.number('must be a number'),
  },
  objectMessage('a JSON object'),
);

const ExportSchema = v.object(
  {
    format: v.literal(EXPORT_FORMAT),
    version: v.literal(EXPORT_VERSION),
    exportedAt: Timestamp,
    notes: v.pipe(
      v.array(ExportedNoteSchema, 'must be an array'),
      v.maxLength(MAX_IMPORT_NOTES, `must have at most ${MAX_IMPORT_NOTES.toLocaleString('en')} notes`),
      v.check((notes) => new Set(notes.map((n) => n.id.toLowerCase())).size === notes.length, 'must not list the same id twice'),
    ),
  },
  objectMessage('a JSON object'),
);

/** Where an issue is, as a JS-like path: notes[3].title. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? [])
    .map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`))
    .join('')
    .replace(/^\./, '');
}

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues.slice(0, 3).map((i) => {
    const path = pathOf(i);
    return path ? `${path} ${i.message}` : i.message;
  });
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more problems)` : '';
  return `${first.join('; ')}${more}`;
}

/**
 * Reads the text of an export file. Throws a ValidationError whose message, shown to the user as
 * it is, says what is wrong: too large, not JSON, not an export, an unknown version, or the first
 * problems with their place ("notes[3].title must be a string").
 */
export function parseExport(text: string): NotesExport {
  if (text.length > MAX_IMPORT_CHARS) {
    throw new ValidationError(
      `This file is too large to import (${megabytes(text.length)}; the limit is ${megabytes(MAX_IMPORT_CHARS)}).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`This file is not valid JSON, so it is not a notes export (${(e as Error).message}).`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ValidationError('Not a notes export: the file must hold a JSON object.');
  }
  const envelope = v.safeParse(EnvelopeSchema, json);
  if (!envelope.success) throw new ValidationError(`Not a notes export: ${describe(envelope.issues)}.`);
  if (envelope.output.version !== EXPORT_VERSION) {
    const version = envelope.output.version;
    const advice = version > EXPORT_VERSION ? ' Update the app, then import it again.' : '';
    throw new ValidationError(`This export has format version ${version}; this app reads version ${EXPORT_VERSION}.${advice}`);
  }
  const parsed = v.safeParse(ExportSchema, json);
  if (!parsed.success) throw new ValidationError(`This export cannot be imported: ${describe(parsed.issues)}.`);
  return parsed.output;
}

function megabytes(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}
