// The page's one connection to its notes worker: Comlink over a module worker, every answer checked
// (workerSchemas.ts), every failure turned into a WorkerError the views can switch on.
import * as Comlink from 'comlink';
import * as v from 'valibot';
import type {
  ChangeEvent,
  ConflictEntry,
  Note,
  NoteFields,
  NotesApi,
  NoteSummary,
  OpenResult,
  SyncNowReason,
  SyncStatus,
  WorkerErrorName,
  WriteOptions,
} from '../worker/api';
import {
  parseChangeEvent,
  parseConflicts,
  parseMaybeNote,
  parseNote,
  parseNoteSummaries,
  parseOpenResult,
  parseSyncStatus,
  WorkerErrorNameSchema,
} from './workerSchemas';

/** Why a call failed: a name the worker documents, or the worker itself is gone or answered nonsense. */
export type WorkerErrorKind = WorkerErrorName | 'WorkerFailed' | 'BadAnswer' | 'Unknown';

export class WorkerError extends Error {
  constructor(
    readonly kind: WorkerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export function toWorkerError(error: unknown): WorkerError {
  if (error instanceof WorkerError) return error;
  if (error instanceof v.ValiError) return new WorkerError('BadAnswer', `The notes worker gave an unexpected answer: ${error.message}`);
  if (error instanceof Error) {
    const named = v.safeParse(WorkerErrorNameSchema, error.name);
    return new WorkerError(named.success ? named.output : 'Unknown', error.message);
  }
  return new WorkerError('Unknown', String(error));
}

export function errorKind(error: unknown): WorkerErrorKind {
  return toWorkerError(error).kind;
}

export interface NotesClient {
  open(): Promise<OpenResult>;
  listNotes(): Promise<NoteSummary[]>;
  getNote(id: string): Promise<Note | null>;
  createNote(fields?: NoteFields, options?: WriteOptions & { readonly id?: string }): Promise<Note>;
  updateNote(id: string, fields: NoteFields, options?: WriteOptions): Promise<Note>;
  deleteNote(id: string, options?: WriteOptions): Promise<void>;
  /** Calls `listener` after every committed change. Resolves to the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<() => void>;

  register(username: string, password: string): Promise<SyncStatus>;
  signIn(username: string, password: string): Promise<SyncStatus>;
  signOut(): Promise<SyncStatus>;
  getSyncStatus(): Promise<SyncStatus>;
  syncNow(reason: SyncNowReason): Promise<void>;
  /** Calls `listener` with the current status, then on every change. Resolves to the unsubscribe function. */
  subscribeStatus(listener: (status: SyncStatus) => void): Promise<() => void>;
  listConflicts(): Promise<ConflictEntry[]>;
  restoreConflict(id: number, options?: { readonly actionId?: string }): Promise<void>;
  dismissConflict(id: number): Promise<void>;
}

/** Wraps any failure (thrown or a rejected promise) of `call` as a WorkerError. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toWorkerError(error);
  }
}

/**
 * Starts the worker. A worker whose script fails to load never answers, so every call also races
 * the worker's own error event: the page shows an error instead of waiting forever.
 */
export function connectWorker(): NotesClient {
  const worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'notes' });
  const remote = Comlink.wrap<NotesApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new WorkerError('WorkerFailed', event.message || 'The notes worker could not start.'));
    });
  });
  crashed.catch(() => undefined);
  const call = <T>(run: () => Promise<T>): Promise<T> => guarded(() => Promise.race([run(), crashed]));

  return {
    open: () => call(async () => parseOpenResult(await remote.open())),
    listNotes: () => call(async () => parseNoteSummaries(await remote.listNotes())),
    getNote: (id) => call(async () => parseMaybeNote(await remote.getNote(id))),
    createNote: (fields, options) => call(async () => parseNote(await remote.createNote(fields, options))),
    updateNote: (id, fields, options) => call(async () => parseNote(await remote.updateNote(id, fields, options))),
    deleteNote: (id, options) => call(() => remote.deleteNote(id, options)),
    subscribe: (listener) =>
      call(async () => {
        const checked = (event: unknown): void => {
          const parsed = safeChangeEvent(event);
          if (parsed) listener(parsed);
        };
        const id = await remote.subscribe(Comlink.proxy(checked));
        return () => {
          void remote.unsubscribe(id).catch(() => undefined);
        };
      }),

    register: (username, password) => call(async () => parseSyncStatus(await remote.register(username, password))),
    signIn: (username, password) => call(async () => parseSyncStatus(await remote.signIn(username, password))),
    signOut: () => call(async () => parseSyncStatus(await remote.signOut())),
    getSyncStatus: () => call(async () => parseSyncStatus(await remote.getSyncStatus())),
    syncNow: (reason) => call(() => remote.syncNow(reason)),
    subscribeStatus: (listener) =>
      call(async () => {
        const checked = (status: unknown): void => {
          const parsed = parseOrDrop(parseSyncStatus, status, 'status');
          if (parsed) listener(parsed);
        };
        const id = await remote.subscribeStatus(Comlink.proxy(checked));
        return () => {
          void remote.unsubscribe(id).catch(() => undefined);
        };
      }),
    listConflicts: () => call(async () => parseConflicts(await remote.listConflicts())),
    restoreConflict: (id, options) => call(() => remote.restoreConflict(id, options)),
    dismissConflict: (id) => call(() => remote.dismissConflict(id)),
  };
}

function safeChangeEvent(event: unknown): ChangeEvent | null {
  return parseOrDrop(parseChangeEvent, event, 'change event');
}

/** A pushed message (not an answer to a call) that fails its check is dropped, and said so in the console. */
function parseOrDrop<T>(parse: (x: unknown) => T, message: unknown, what: string): T | null {
  try {
    return parse(message);
  } catch (error) {
    console.warn(`notes: ignored a malformed ${what}`, error);
    return null;
  }
}
