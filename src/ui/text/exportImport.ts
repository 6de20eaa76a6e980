// Export and import as the user sees them: the files' names, the download, and what an import did
// or why it was refused, in words.
import type { ImportSummary } from '../../worker/api';
import { countOf, localDay } from './units';
import { toWorkerError } from '../connection/workerClient';

export type ExportKind = 'json' | 'markdown';

/** notes-2025-06-15.json / notes-2025-06-15.zip */
export function exportFileName(kind: ExportKind, date: Date): string {
  return `notes-${localDay(date)}.${kind === 'json' ? 'json' : 'zip'}`;
}

export const exportMimeType: Record<ExportKind, string> = {
  json: 'application/json',
  markdown: 'application/zip',
};

/** Hands `data` to the browser as a downloaded file, through a temporary link. */
export function downloadFile(doc: Document, data: BlobPart, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the blob after click() returns: let it live a little.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "3 notes imported, 1 updated, 2 already here." */
export function describeImport(s: ImportSummary): string {
  const parts: string[] = [];
  if (s.created > 0) parts.push(`${countOf(s.created, 'note', 'notes')} imported`);
  if (s.updated > 0) parts.push(`${s.created > 0 ? s.updated : countOf(s.updated, 'note', 'notes')} updated`);
  if (s.restored > 0) parts.push(`${countOf(s.restored, 'note', 'notes')} brought back from the Trash`);
  if (s.unchanged > 0) parts.push(`${countOf(s.unchanged, 'note was', 'notes were')} already here`);
  if (s.skipped > 0) parts.push(`${countOf(s.skipped, 'note was', 'notes were')} skipped: deleted forever on this or another device`);
  if (parts.length === 0) return 'The file has no notes, so nothing was imported.';
  const sentence = parts.join(', ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

/** Why a file was not imported. An import is all or nothing, so nothing changed either way. */
export function describeImportError(error: unknown): string {
  const e = toWorkerError(error);
  switch (e.kind) {
    case 'ValidationError':
      // The worker's message names the problem and where it is, written for the user.
      return `${e.message} Nothing was imported.`;
    case 'StorageFullError':
      return 'Storage is full, so the notes could not be imported. Nothing was changed: free up some space on this device and try again.';
    default:
      return `The notes could not be imported (${e.message}). Nothing was changed.`;
  }
}

/** A file this large cannot be an export the app accepts (64 MB of text at most): not read at all. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
