// The store-only zip writer and the Markdown archive built on it: readable by an independent
// reader and, where installed, by Info-ZIP's unzip.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noteMarkdown, safeBaseName, uniqueFileNames } from '../../../src/worker/files/markdownArchive';
import { crc32, dosDateTime, zipStore } from '../../../src/worker/files/zip';
import { ExportImportService } from '../../../src/worker/files/exportImportService';
import { fakeClock, openService } from '../helpers';
import { readZip } from './zipReader';

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

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(utf8('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(utf8('56789'), crc32(utf8('1234')))).toBe(0xcbf43926);
  });
});

describe('zipStore', () => {
  it('writes an archive whose central directory, names, sizes and CRCs read back', () => {
    const entries = [
      { name: 'a.md', data: utf8('hello'), modifiedAt: Date.UTC(2025, 5, 15, 10, 30, 42) },
      { name: 'Ünïcödé 日本.md', data: utf8('ü') },
      { name: 'empty.md', data: new Uint8Array() },
      { name: 'dir/nested.md', data: utf8('x'.repeat(70_000)) },
    ];
    const zip = zipStore(entries);
    const read = readZip(zip);
    expect(read.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    read.forEach((e, i) => {
      expect(text(e.data)).toBe(text(entries[i]!.data));
      expect(e.method).toBe(0);
      expect(e.flags & 0x0800).toBe(0x0800);
    });
    expect(read[0]).toMatchObject(dosFields(2025, 6, 15, 10, 30, 42));
    const tested = unzip(zip, ['-t']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);
    const listed = unzip(zip, ['-Z1']);
    if (listed !== undefined) expect(listed.trim().split('\n')).toEqual(entries.map((e) => e.name));
  });

  it('writes a valid empty archive', () => {
    expect(readZip(zipStore([]))).toEqual([]);
    expect(zipStore([])).toHaveLength(22);
  });

  it('refuses duplicate and empty names', () => {
    expect(() => zipStore([{ name: 'a', data: utf8('1') }, { name: 'a', data: utf8('2') }])).toThrow(/duplicate/);
    expect(() => zipStore([{ name: '', data: utf8('1') }])).toThrow();
  });

  it('uses the Zip64 end record past 65,535 entries', () => {
    const entries = Array.from({ length: 70_000 }, (_, i) => ({ name: `n${i}.md`, data: utf8(String(i)) }));
    const zip = zipStore(entries);
    const read = readZip(zip);
    expect(read).toHaveLength(70_000);
    expect(read[69_999]!.name).toBe('n69999.md');
    expect(text(read[69_999]!.data)).toBe('69999');
    const tested = unzip(zip, ['-tq']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);
  }, 60_000);

  it('clamps dates zip cannot hold', () => {
    expect(dosDateTime(0)).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(dosDateTime(Date.UTC(2200, 0, 1)).date >> 9).toBe(127);
    expect(dosDateTime(Number.NaN)).toEqual({ date: (1 << 5) | 1, time: 0 });
  });
});

function dosFields(y: number, mo: number, d: number, h: number, mi: number, s: number) {
  return { dosDate: ((y - 1980) << 9) | (mo << 5) | d, dosTime: (h << 11) | (mi << 5) | Math.floor(s / 2) };
}

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
    const read = readZip(zip);
    expect(read.map((e) => e.name)).toEqual(['Groceries.md', 'groceries (2).md']);
    expect(text(read[0]!.data)).toMatch(new RegExp(`^---\\nid: ${a.id}\\ntitle: "Groceries"\\ncreated: 2025-06-15T\\S+Z\\nupdated: \\S+Z\\n---\\n\\nmilk$`));
    expect(text(read[1]!.data)).toContain(`id: ${b.id}`);
    const tested = unzip(zip, ['-t']);
    if (tested !== undefined) expect(tested).toMatch(/No errors detected/);
  });
});
