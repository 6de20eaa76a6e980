// The page's one connection to its notes worker: Comlink over a module worker (kept across the
// page's lifecycle by workerLink.ts), every answer checked (workerSchemas.ts), every failure turned
// into a WorkerError the views can switch on.
import * as Comlink from 'comlink';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import type {
  ChangeEvent,
  ConflictEntry,
  ImportSummary,
  Note,
  NoteFields,
  NoteSearchHit,
  ListOptions,
  NotesApi,
  NoteSummaries,
  NoteSummary,
  OpenResult,
  SyncNowReason,
  SearchOptions,
  SyncStatus,
  TrashedNote,
  WorkerErrorName,
  WriteOptions,
} from '../../worker/api';
import {
  parseBytes,
  parseChangeEvent,
  parseConflicts,
  parseEmptied,
  parseImportSummary,
  parseMaybeNote,
  parseNote,
  parseNoteSummaries,
  parseNoteSummariesAnswer,
  parseOpenResult,
  parseSearchHits,
  parseSyncStatus,
  parseText,
  parseTrash,
  WorkerErrorNameSchema,
} from './workerSchemas';
import { linkWorker, type Connection, type Remote } from './workerLink';

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
  listNotes(options?: ListOptions): Promise<NoteSummary[]>;
  getNoteSummaries(ids: readonly string[]): Promise<NoteSummaries>;
  getNote(id: string): Promise<Note | null>;
  createNote(fields?: NoteFields, options?: WriteOptions & { readonly id?: string }): Promise<Note>;
  updateNote(id: string, fields: NoteFields, options?: WriteOptions): Promise<Note>;
  deleteNote(id: string, options?: WriteOptions): Promise<void>;
  searchNotes(query: string, options?: SearchOptions): Promise<NoteSearchHit[]>;
  listTrash(): Promise<TrashedNote[]>;
  restoreNote(id: string, options?: { readonly actionId?: string }): Promise<Note>;
  purgeNote(id: string, options?: { readonly actionId?: string }): Promise<void>;
  emptyTrash(): Promise<{ readonly purged: number }>;
  exportJson(): Promise<string>;
  exportMarkdown(): Promise<Uint8Array>;
  importJson(text: string): Promise<ImportSummary>;
  /** Calls `listener` after every committed change. Resolves to the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<() => void>;

  register(username: string, password: string): Promise<SyncStatus>;
  signIn(username: string, password: string): Promise<SyncStatus>;
  signOut(): Promise<SyncStatus>;
  changePassword(currentPassword: string, newPassword: string): Promise<SyncStatus>;
  signOutEverywhere(): Promise<SyncStatus>;
  deleteAccount(password: string): Promise<SyncStatus>;
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
 * Starts one worker. A worker whose script fails to load never answers, so every call also races
 * the worker's own error event: the page shows an error instead of waiting forever.
 */
function startWorker(): Connection {
  const worker = new Worker(new URL('../../worker/main.ts', import.meta.url), { type: 'module', name: 'notes' });
  const remote = Comlink.wrap<NotesApi>(worker);
  const crashed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new WorkerError('WorkerFailed', event.message || 'The notes worker could not start.'));
    });
  });
  crashed.catch(() => undefined);
  return { remote, crashed, end: () => worker.terminate() };
}

/**
 * The page's notes client. Its worker may be the tab that holds the database or forward to it
 * (src/worker/tabNode.ts); calls look the same either way. Each write gets its action id (and a new
 * note its id) here, before the first attempt, so a call re-sent after a handoff or a worker
 * restart (workerLink.ts) is applied once.
 */
export function connectWorker(): NotesClient {
  const link = linkWorker(startWorker, { window, document });
  const call = <T>(run: (remote: Remote) => Promise<T>): Promise<T> => guarded(() => link.call(run));
  // Notes this page has been shown: after a worker restart it re-reads them (changes made while it
  // was frozen were announced to nobody here).
  const seen = new Set<string>();
  const saw = <T extends { readonly id: string } | null>(note: T): T => {
    if (note) seen.add(note.id);
    return note;
  };
  const changeListeners = new Set<(event: ChangeEvent) => void>();
  link.onRestart(() => {
    // Notes created elsewhere meanwhile were never seen here: the whole list must be read again.
    const event: ChangeEvent = { entityIds: [...seen], all: true };
    for (const listener of changeListeners) listener(event);
  });
  const withActionId = <O extends { readonly actionId?: string }>(options: O | undefined): O & { readonly actionId: string } =>
    ({ ...options, actionId: options?.actionId ?? uuidv7() }) as O & { readonly actionId: string };

  return {
    open: () => call(async (r) => parseOpenResult(await r.open())),
    listNotes: (options) =>
      call(async (r) => {
        const notes = parseNoteSummaries(await r.listNotes(options));
        for (const n of notes) seen.add(n.id);
        return notes;
      }),
    getNoteSummaries: (ids) =>
      call(async (r) => {
        const answer = parseNoteSummariesAnswer(await r.getNoteSummaries([...ids]));
        for (const n of answer.summaries) seen.add(n.id);
        return answer;
      }),
    getNote: (id) => call(async (r) => saw(parseMaybeNote(await r.getNote(id)))),
    createNote: (fields, options) => {
      const o = { ...withActionId(options), id: options?.id ?? uuidv7() };
      return call(async (r) => saw(parseNote(await r.createNote(fields, o))));
    },
    updateNote: (id, fields, options) => {
      const o = withActionId(options);
      return call(async (r) => saw(parseNote(await r.updateNote(id, fields, o))));
    },
    deleteNote: (id, options) => {
      const o = withActionId(options);
      return call((r) => r.deleteNote(id, o));
    },
    searchNotes: (query, options) => call(async (r) => parseSearchHits(await r.searchNotes(query, options))),
    listTrash: () => call(async (r) => parseTrash(await r.listTrash())),
    restoreNote: (id, options) => {
      const o = withActionId(options);
      return call(async (r) => saw(parseNote(await r.restoreNote(id, o))));
    },
    purgeNote: (id, options) => {
      const o = withActionId(options);
      return call((r) => r.purgeNote(id, o));
    },
    // Emptying the Trash and importing may run again after a worker restart: both are idempotent.
    emptyTrash: () => call(async (r) => parseEmptied(await r.emptyTrash())),
    exportJson: () => call(async (r) => parseText(await r.exportJson())),
    exportMarkdown: () => call(async (r) => parseBytes(await r.exportMarkdown())),
    importJson: (text) => call(async (r) => parseImportSummary(await r.importJson(text))),
    subscribe: (listener) =>
      guarded(async () => {
        const checked = (event: unknown): void => {
          const parsed = safeChangeEvent(event);
          if (parsed) listener(parsed);
        };
        changeListeners.add(listener);
        try {
          const detach = await link.keep(async (r) => {
            const id = await r.subscribe(Comlink.proxy(checked));
            return () => void r.unsubscribe(id).catch(() => undefined);
          });
          return () => {
            changeListeners.delete(listener);
            detach();
          };
        } catch (error) {
          changeListeners.delete(listener);
          throw error;
        }
      }),

    register: (username, password) => call(async (r) => parseSyncStatus(await r.register(username, password))),
    signIn: (username, password) => call(async (r) => parseSyncStatus(await r.signIn(username, password))),
    signOut: () => call(async (r) => parseSyncStatus(await r.signOut())),
    changePassword: (currentPassword, newPassword) => call(async (r) => parseSyncStatus(await r.changePassword(currentPassword, newPassword))),
    signOutEverywhere: () => call(async (r) => parseSyncStatus(await r.signOutEverywhere())),
    deleteAccount: (password) => call(async (r) => parseSyncStatus(await r.deleteAccount(password))),
    getSyncStatus: () => call(async (r) => parseSyncStatus(await r.getSyncStatus())),
    syncNow: (reason) => call((r) => r.syncNow(reason)),
    subscribeStatus: (listener) =>
      guarded(() =>
        link.keep(async (r) => {
          const checked = (status: unknown): void => {
            const parsed = parseOrDrop(parseSyncStatus, status, 'status');
            if (parsed) listener(parsed);
          };
          const id = await r.subscribeStatus(Comlink.proxy(checked));
          return () => void r.unsubscribe(id).catch(() => undefined);
        }),
      ),
    listConflicts: () => call(async (r) => parseConflicts(await r.listConflicts())),
    restoreConflict: (id, options) => {
      const o = withActionId(options);
      return call((r) => r.restoreConflict(id, o));
    },
    dismissConflict: (id) => call((r) => r.dismissConflict(id)),
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
