import { describe, expect, it } from 'vitest';
import { describeImport, describeImportError, exportFileName } from '../../../src/ui/text/exportImport';
import { WorkerError } from '../../../src/ui/connection/workerClient';

const none = { created: 0, updated: 0, restored: 0, unchanged: 0, skipped: 0 };

describe('exportFileName', () => {
  it('names the file after the local day it was made', () => {
    const day = new Date(2025, 5, 9, 23, 59);
    expect(exportFileName('json', day)).toBe('notes-2025-06-09.json');
    expect(exportFileName('markdown', day)).toBe('notes-2025-06-09.zip');
  });
});

describe('describeImport', () => {
  it('says what happened to the notes of the file, in one sentence', () => {
    expect(describeImport({ ...none, created: 3, updated: 1 })).toBe('3 notes imported, 1 updated.');
    expect(describeImport({ ...none, created: 1 })).toBe('1 note imported.');
    expect(describeImport({ ...none, updated: 2, unchanged: 1 })).toBe('2 notes updated, 1 note was already here.');
    expect(describeImport({ ...none, unchanged: 4 })).toBe('4 notes were already here.');
    expect(describeImport({ ...none, restored: 1, skipped: 2 })).toBe(
      '1 note brought back from the Trash, 2 notes were skipped: deleted forever on this or another device.',
    );
  });

  it('says so when the file had no notes', () => {
    expect(describeImport(none)).toBe('The file has no notes, so nothing was imported.');
  });
});

describe('describeImportError', () => {
  it('shows the reason the worker gives for a bad file, and that nothing changed', () => {
    const e = new WorkerError('ValidationError', 'This export cannot be imported: notes[3].title must be a string.');
    expect(describeImportError(e)).toBe('This export cannot be imported: notes[3].title must be a string. Nothing was imported.');
  });

  it('says storage is full in words', () => {
    expect(describeImportError(new WorkerError('StorageFullError', 'SQLITE_FULL'))).toMatch(/^Storage is full.*Nothing was changed/);
  });
});
