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

import type { NoteForExport } from './exportFormat';
import { zipStore, type ZipEntry } from './zip';

const MAX_NAME_CHARS = 80;
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

/** The archive's bytes. */
export function markdownArchive(notes: readonly NoteForExport[]): Uint8Array {
  const encoder = new TextEncoder();
  const names = uniqueFileNames(notes.map((n) => n.title));
  const entries: ZipEntry[] = notes.map((note, i) => ({
    name: names[i]!,
    data: encoder.encode(noteMarkdown(note)),
    modifiedAt: note.updatedAt,
  }));
  return zipStore(entries);
}
