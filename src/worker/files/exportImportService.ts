// Export and import of notes (issue 7) for the NotesApi: the JSON export (exportFormat.ts), the
// Markdown archive (markdownArchive.ts), and importing a JSON export (importNotes.ts). An export
// reads all notes in one statement (one consistent snapshot); an import is one transaction and one
// change event.

import * as v from 'valibot';
import type { ImportSummary } from '../api';
import { buildExport, exportText, parseExport } from './exportFormat';
import { importNotes } from './importNotes';
import { markdownArchive } from './markdownArchive';
import { notesForExport } from '../notes/noteQueries';
import type { NotesService } from '../notes/notesService';
import { parseInput } from '../validation';

const ImportTextSchema = v.string('must be the text of the file');

export class ExportImportService {
  constructor(private readonly notes: NotesService) {}

  async exportJson(): Promise<string> {
    const store = await this.notes.store();
    return exportText(buildExport(notesForExport(store.db), store.wallNow()));
  }

  async exportMarkdown(): Promise<Uint8Array> {
    const store = await this.notes.store();
    return markdownArchive(notesForExport(store.db));
  }

  async importJson(text: string): Promise<ImportSummary> {
    const file = parseExport(parseInput(ImportTextSchema, text, 'text'));
    const store = await this.notes.store();
    const r = await this.notes.write(() => importNotes(store, file));
    if (r.changedIds.length > 0) this.notes.localWriteDone(r.changedIds);
    return r.summary;
  }
}
