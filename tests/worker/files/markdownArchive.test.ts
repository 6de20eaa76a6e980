// The Markdown archive (written by fflate): it opens, read back by fflate's unzipSync and, where
// installed, by Info-ZIP's unzip; file names, contents and dates are what the export promises.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { NoteForExport } from '../../../src/worker/files/exportFormat';
import { MAX_ARCHIVE_NOTES, markdownArchive, noteMarkdown, safeBaseName, uniqueFileNames } from '../../../src/worker/files/markdownArchive';
import { ExportImportService } from '../../../src/worker/files/exportImportService';
import { fakeClock, openService, uuidFor } from '../helpers';

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const UNZIP = '/usr/bin/unzip';

/** Runs unzip on the archive (when installed): `-t` tests every CRC, `-Z1` lists the names. */
function unzip(zip: Uint8Array, args: string[]): string | undefined {
  if (!existsSync(UNZIP)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
  try {
    const file = join(dir, 'a.zip');
    writeFileSync(file, zip);
    return execFileSync(UNZIP, [...args, file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const note = (n: number, title: string, body: string, updatedAt = Date.UTC(2025, 5, 15, 10, 30, 42)): NoteForExport => ({
  id: uuidFor('a1c4e000', n),
  title,
  body,
  createdAt: Date.UTC(2025, 0, 1),
  updatedAt,
});

/** yyyymmdd.hhmmss of a time's local fields: how `unzip -ZT` shows a file's date. */
function unzipDate(ms: number): string {
  const d = new Date(ms);
  const p = (v: number) => String(v).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}.${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds() - (d.getSeconds() % 2))}`;
}

describe('the Markdown archive', () => {
  it('opens, with one file per note at the top level, names in UTF-8 and contents byte for byte', () => {
    const notes = [
      note(1, 'Shopping list', 'milk'),
      note(2, 'Ünïcödé 日本 😀', 'ü'),
      note(3, 'Empty', ''),
      note(4, 'a/b: the big one', 'x'.repeat(70_000)),
    ];
    const zip = markdownArchive(notes);
    const read = unzipSync(zip);
    const names = ['Shopping list.md', 'Ünïcödé 日本 😀.md', 'Empty.md', 'a-b- the big one.md'];
    // In note order, and no folder entries: every file at the top level.
    expect(Object.keys(read)).toEqual(names);
    notes.forEach((n, i) => expect(read[names[i]!]).toEqual(utf8(noteMarkdown(n))));
    const tested = unzip(zip, ['-t']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);
    const listed = unzip(zip, ['-Z1']);
    if (listed !== undefined) expect(listed.trim().split('\n')).toEqual(names);
  });

  it('dates each file when its note last changed, clamping dates zip cannot hold', () => {
    const changed = Date.UTC(2025, 5, 15, 10, 30, 42);
    const zip = markdownArchive([note(1, 'Now', 'a', changed), note(2, 'Epoch', 'b', 0), note(3, 'Far future', 'c', Date.UTC(2200, 0, 1))]);
    expect(Object.keys(unzipSync(zip))).toEqual(['Now.md', 'Epoch.md', 'Far future.md']);
    const listed = unzip(zip, ['-ZT']);
    if (listed === undefined) return;
    const dates = listed.split('\n').filter((l) => l.endsWith('.md')).map((l) => /(\d{8}\.\d{6})/.exec(l)?.[1]);
    expect(dates).toEqual([unzipDate(changed), '19800101.000000', '20991231.235958']);
  });

  it('with no notes is an empty archive that opens', () => {
    expect(unzipSync(markdownArchive([]))).toEqual({});
  });

  it(`holds ${MAX_ARCHIVE_NOTES.toLocaleString('en')} notes, and refuses more with a message that points to the JSON export`, () => {
    const notes = Array.from({ length: MAX_ARCHIVE_NOTES }, (_, i) => note(i, `n${i}`, String(i)));
    const zip = markdownArchive(notes);
    const read = unzipSync(zip);
    expect(Object.keys(read)).toHaveLength(MAX_ARCHIVE_NOTES);
    expect(text(read[`n${MAX_ARCHIVE_NOTES - 1}.md`]!)).toBe(noteMarkdown(notes[MAX_ARCHIVE_NOTES - 1]!));
    const tested = unzip(zip, ['-tq']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);

    notes.push(note(MAX_ARCHIVE_NOTES, 'one too many', ''));
    expect(() => markdownArchive(notes)).toThrow(
      expect.objectContaining({ name: 'ValidationError', message: 'A Markdown archive holds at most 65,535 notes and you have 65,536. Use Export JSON, which has no such limit.' }),
    );
  }, 60_000);
});

describe('Markdown file names', () => {
  it('are valid on every system', () => {
    expect(safeBaseName('Shopping list')).toBe('Shopping list');
    expect(safeBaseName('a/b\\c:d*e?f"g<h>i|j')).toBe('a-b-c-d-e-f-g-h-i-j');
    expect(safeBaseName('  ..hidden. ')).toBe('hidden');
    expect(safeBaseName('tab\there\nnewline')).toBe('tab-here-newline');
    expect(safeBaseName('   ')).toBe('Untitled');
    expect(safeBaseName('')).toBe('Untitled');
    expect(safeBaseName('...')).toBe('Untitled');
    expect(safeBaseName('CON')).toBe('CON_');
    expect(safeBaseName('nul.txt')).toBe('nul.txt_');
    expect(safeBaseName('Com1')).toBe('Com1_');
    expect(safeBaseName('console')).toBe('console');
    expect([...safeBaseName('😀'.repeat(200))]).toHaveLength(80);
    expect(safeBaseName('Café')).toBe('Café');
  });

  it('are distinct, also on case-insensitive file systems', () => {
    expect(uniqueFileNames(['Note', 'note', 'NOTE', '', '', 'Note (2)'])).toEqual([
      'Note.md',
      'note (2).md',
      'NOTE (3).md',
      'Untitled.md',
      'Untitled (2).md',
      'Note (2) (2).md',
    ]);
  });
});

describe('Markdown export', () => {
  it('has front matter with id, title and dates, then the body unchanged', () => {
    const md = noteMarkdown({
      id: '0197a1b2-0000-7000-8000-000000000001',
      title: 'Say "hi": #1',
      body: '# Heading\n\n---\nbody',
      createdAt: Date.UTC(2025, 0, 2),
      updatedAt: Date.UTC(2025, 0, 3),
    });
    expect(md).toBe(
      [
        '---',
        'id: 0197a1b2-0000-7000-8000-000000000001',
        'title: "Say \\"hi\\": #1"',
        'created: 2025-01-02T00:00:00.000Z',
        'updated: 2025-01-03T00:00:00.000Z',
        '---',
        '',
        '# Heading\n\n---\nbody',
      ].join('\n'),
    );
  });

  it('is a zip of one .md file per visible note', async () => {
    const { service } = await openService({ now: fakeClock(1_750_000_000_000, 1000).now });
    const files = new ExportImportService(service);
    const a = await service.createNote({ title: 'Groceries', body: 'milk' });
    const b = await service.createNote({ title: 'groceries', body: 'eggs' });
    const gone = await service.createNote({ title: 'Deleted', body: 'x' });
    await service.deleteNote(gone.id);
    const zip = await files.exportMarkdown();
    const read = unzipSync(zip);
    expect(Object.keys(read)).toEqual(['Groceries.md', 'groceries (2).md']);
    expect(text(read['Groceries.md']!)).toMatch(new RegExp(`^---\\nid: ${a.id}\\ntitle: "Groceries"\\ncreated: 2025-06-15T\\S+Z\\nupdated: \\S+Z\\n---\\n\\nmilk$`));
    expect(text(read['groceries (2).md']!)).toContain(`id: ${b.id}`);
    const tested = unzip(zip, ['-t']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);
  });
});
