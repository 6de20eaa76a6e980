// What the user reads when something fails: one sentence that says what happened and what to do,
// never a raw exception.
import { toWorkerError } from '../connection/workerClient';

export const storageFullMessage =
  'Storage is full: your text is still here but not saved yet. Free up some space on this device — it will be saved on your next edit.';

export function describeError(error: unknown): string {
  const e = toWorkerError(error);
  switch (e.kind) {
    case 'StorageFullError':
      return storageFullMessage;
    case 'NotFoundError':
      return 'That note no longer exists: it was deleted, perhaps in another tab.';
    case 'ValidationError':
      return `That change could not be saved: ${e.message}`;
    case 'DatabaseLockedError':
      return 'Your notes are open in another tab.';
    case 'WorkerFailed':
      return `The notes engine stopped (${e.message}). Reload the page to continue; saved notes are safe.`;
    case 'NetworkError':
      return 'The sync server could not be reached. Your notes are safe on this device.';
    case 'AuthError':
    case 'AccountMismatchError':
      return e.message;
    case 'BadAnswer':
    case 'Unknown':
      return `Something went wrong: ${e.message}`;
  }
}

/** Why the open note's text is not saved. The draft keeps it and retries on the next edit. */
export function describeSaveError(error: unknown): string {
  const e = toWorkerError(error);
  const kept = 'Your text is still here and will be saved on your next edit.';
  switch (e.kind) {
    case 'StorageFullError':
      return storageFullMessage;
    case 'NotFoundError':
      // Deleted on another device, the edit is still written and kept under Conflicts (the worker says
      // so); deleted here, in another tab, nothing keeps it but the screen.
      return /under Conflicts/.test(e.message)
        ? 'Not saved in the note: it was deleted on another device. Your text is kept under Conflicts, where Restore brings the note back with it.'
        : 'Not saved: this note was deleted, perhaps in another tab. Your text is still here — copy it to keep it.';
    case 'ValidationError':
      return `Not saved: ${e.message} ${kept}`;
    case 'WorkerFailed':
      return describeError(e);
    default:
      // The details (an SQLite code) help a developer, not the person writing: they go to the console.
      console.error('notes: a save failed', error);
      return `Not saved: this device's storage refused the change. ${kept}`;
  }
}
