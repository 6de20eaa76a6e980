// What the user reads when something fails: one sentence that says what happened and what to do,
// never a raw exception.
import { toWorkerError } from './workerClient';

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
    case 'BadAnswer':
    case 'Unknown':
      return `Something went wrong: ${e.message}`;
  }
}
