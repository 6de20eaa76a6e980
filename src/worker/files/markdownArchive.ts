// The Markdown export: a .zip with one `.md` file per visible note, named after its title, e.g.
//
//   Shopping list.md
//     ---
//     id: 0197a1b2-…
//     title: "Shopping list"
//     created: 2025-06-01T08:00:00.000Z
//     updated: 2025-06-14T18:30:00.000Z
//     ---
//
//     Milk
//
// The front matter is YAML; the title is written as a double-quoted (JSON) string, which YAML reads
// as the same text whatever it contains. The body follows unchanged.
//
// File names must be valid and distinct on every system the archive may be unpacked on: characters
// Windows forbids and control characters become "-", runs of spaces collapse, leading and trailing
// dots and spaces go (hidden files, Windows), reserved device names (CON, NUL, COM1…) get a "_",
// names are cut to 80 characters, an empty title is "Untitled", and names that would collide on a
// case-insensitive file system get " (2)", " (3)"… in note order.
//
// The archive is written by fflate's zipSync: every file at the top level, stored (method 0), its
// name in UTF-8, "made by" Unix with mode 0644 (unzip tools read the names of archives made by
// MS-DOS in an OEM code page even when the UTF-8 flag is set), dated when the note last changed.
// Stored, not deflated: fflate spends ~60 µs setting up each deflated file (4 s for 65,535 small
// notes) in the worker that owns the database, where edits would wait; the file never crosses a
// network, so its size matters little. fflate writes no Zip64 records, so an archive holds at most
// 65,535 files: past that the export is refused (the JSON export has no such limit).

import { zipSync, type Zippable } from 'fflate';
import { ValidationError } from '../errors';
import type { NoteForExport } from './exportFormat';

const MAX_NAME_CHARS = 80;
/** The end-of-central-directory record counts files in 16 bits. */
export const MAX_ARCHIVE_NOTES = 0xffff;
const REGULAR_FILE_0644 = 0o100644 << 16;
const UNIX = 3;
const FORBIDDEN = /[<>:"/\\|?*\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** A file name (without extension) for a note title, valid on Windows, macOS and Linux. */
export function safeBaseName(title: string): string {
  let name = title.normalize('NFC').replace(FORBIDDEN, '-').replace(/\s+/gu, ' ');
  name = trimEnds(name);
  const chars = [...name];
  if (chars.length > MAX_NAME_CHARS) name = trimEnds(chars.slice(0, MAX_NAME_CHARS).join(''));
  if (name === '') return 'Untitled';
  return RESERVED.test(name) ? `${name}_` : name;
}

function trimEnds(s: string): string {
  return s.replace(/^[\s.]+|[\s.]+$/gu, '');
}

/** Distinct `.md` file names for the titles, in order (case-insensitively distinct). */
export function uniqueFileNames(titles: readonly string[]): string[] {
  const taken = new Set<string>();
  return titles.map((title) => {
    const base = safeBaseName(title);
    let name = `${base}.md`;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n}).md`;
    taken.add(name.toLowerCase());
    return name;
  });
}

export function noteMarkdown(note: NoteForExport): string {
  return [
    '---',
    `id: ${note.id}`,
    `title: ${JSON.stringify(note.title)}`,
    `created: ${new Date(note.createdAt).toISOString()}`,
    `updated: ${new Date(note.updatedAt).toISOString()}`,
    '---',
    '',
    note.body,
  ].join('\n');
}

/** The archive's bytes. Throws a ValidationError (shown to the user) past MAX_ARCHIVE_NOTES notes. */
export function markdownArchive(notes: readonly NoteForExport[]): Uint8Array {
  if (notes.length > MAX_ARCHIVE_NOTES) {
    throw new ValidationError(
      `A Markdown archive holds at most ${MAX_ARCHIVE_NOTES.toLocaleString('en')} notes and you have ${notes.length.toLocaleString('en')}. Use Export JSON, which has no such limit.`,
    );
  }
  const encoder = new TextEncoder();
  const names = uniqueFileNames(notes.map((n) => n.title));
  // No prototype: a key is only ever a file name (they all end in ".md", so none is "__proto__",
  // and none looks like an array index that objects would reorder).
  const files: Zippable = Object.create(null) as Zippable;
  notes.forEach((note, i) => {
    files[names[i]!] = [encoder.encode(noteMarkdown(note)), { mtime: zipTime(note.updatedAt) }];
  });
  return zipSync(files, { level: 0, os: UNIX, attrs: REGULAR_FILE_0644 });
}

/**
 * A modification time zip can hold. Zip dates are local wall-clock fields (what unzip shows) from
 * 1980 to 2107, and fflate refuses any outside 1980..2099: a note dated earlier (an import of an
 * old file) or later is clamped rather than failing the export.
 */
export function zipTime(ms: number): Date {
  const earliest = new Date(1980, 0, 1).getTime();
  const latest = new Date(2099, 11, 31, 23, 59, 58).getTime();
  return new Date(Number.isFinite(ms) ? Math.min(Math.max(ms, earliest), latest) : earliest);
}
