// Export and import as signals: which one is running, and what came of the last one in words.
// The downloads are made in the page (a Blob and a temporary link); the worker makes the bytes.
import { batch, createSignal, type Accessor } from 'solid-js';
import { describeError } from '../text/messages';
import { describeImport, describeImportError, downloadFile, exportFileName, exportMimeType, MAX_IMPORT_BYTES, type ExportKind } from '../text/exportImport';
import type { NotesClient } from '../connection/workerClient';

export type FilesTask = 'export-json' | 'export-markdown' | 'import';

export interface FilesOutcome {
  readonly task: FilesTask;
  readonly ok: boolean;
  readonly text: string;
}

export interface FilesModel {
  readonly busy: Accessor<FilesTask | null>;
  readonly outcome: Accessor<FilesOutcome | null>;
  exportNotes(kind: ExportKind): Promise<void>;
  importFile(file: File): Promise<void>;
  clear(): void;
}

export function createFilesModel(
  client: NotesClient,
  save: (data: BlobPart, name: string, type: string) => void = (data, name, type) => downloadFile(document, data, name, type),
): FilesModel {
  const [busy, setBusy] = createSignal<FilesTask | null>(null);
  const [outcome, setOutcome] = createSignal<FilesOutcome | null>(null);

  async function run(task: FilesTask, work: () => Promise<string>, explain: (e: unknown) => string): Promise<void> {
    if (busy()) return;
    batch(() => {
      setBusy(task);
      setOutcome(null);
    });
    try {
      const text = await work();
      setOutcome({ task, ok: true, text });
    } catch (error) {
      setOutcome({ task, ok: false, text: explain(error) });
    } finally {
      setBusy(null);
    }
  }

  return {
    busy,
    outcome,
    exportNotes: (kind) =>
      run(
        kind === 'json' ? 'export-json' : 'export-markdown',
        async () => {
          const data = kind === 'json' ? await client.exportJson() : await client.exportMarkdown();
          const name = exportFileName(kind, new Date());
          // A copy into a fresh ArrayBuffer: Blob takes no view over a possibly shared buffer.
          save(typeof data === 'string' ? data : data.slice().buffer, name, exportMimeType[kind]);
          return `Exported ${name}.`;
        },
        (e) => `The export could not be made: ${describeError(e)}`,
      ),
    importFile: (file) =>
      run(
        'import',
        async () => {
          if (file.size > MAX_IMPORT_BYTES) throw new RangeError('too large');
          return describeImport(await client.importJson(await file.text()));
        },
        (e) =>
          e instanceof RangeError
            ? 'This file is far too large to be a notes export. Nothing was imported.'
            : describeImportError(e),
      ),
    clear: () => setOutcome(null),
  };
}
