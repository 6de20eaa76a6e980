// The typed contract between the UI (page) and its worker, exposed with Comlink. Everything here is
// plain data: it crosses a thread boundary by structured clone. The UI imports only types from here.

export interface NoteSummary {
  readonly id: string;
  readonly title: string;
  /** The start of the body, one line, for the list. */
  readonly snippet: string;
  /** Wall-clock ms of the last change (from its HLC stamp). */
  readonly changedAt: number;
  /** True while this note has local actions the server has not acknowledged. */
  readonly pending: boolean;
}

export interface Note {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: number;
  readonly changedAt: number;
  /** Per field, the stamp of the value shown: sent back as `base` with the next edit. */
  readonly stamps: Readonly<Record<string, string>>;
  readonly pending: boolean;
}

export interface NoteFields {
  readonly title?: string;
  readonly body?: string;
}

export interface WriteOptions {
  /** The action id, made where the user acted (UUIDv7), so a retried call is applied once. */
  readonly actionId?: string;
  /** Per field, the stamp the user was editing on top of (Note.stamps when the note was loaded). */
  readonly base?: Readonly<Record<string, string>>;
}

export type StorageKind = 'opfs' | 'memory';

export interface OpenResult {
  /** 'ready': this worker serves the notes; 'locked': another tab holds the database. */
  readonly state: 'ready' | 'locked';
  readonly storage: StorageKind;
  /** Why the app fell back to memory, in words for the user. */
  readonly warning?: string;
  readonly clientId: string;
}

export interface ChangeEvent {
  /** Entities whose visible state changed (created, edited, deleted). */
  readonly entityIds: readonly string[];
}

/** Error names a caller may switch on (Comlink carries name and message across threads). */
export const workerErrorNames = ['StorageFullError', 'NotFoundError', 'ValidationError', 'DatabaseLockedError'] as const;
export type WorkerErrorName = (typeof workerErrorNames)[number];

export interface NotesApi {
  open(): Promise<OpenResult>;
  listNotes(): Promise<NoteSummary[]>;
  getNote(id: string): Promise<Note | null>;
  createNote(fields?: NoteFields, options?: WriteOptions & { readonly id?: string }): Promise<Note>;
  /** Writes only the fields given (the changed ones); one action, one transaction. */
  updateNote(id: string, fields: NoteFields, options?: WriteOptions): Promise<Note>;
  deleteNote(id: string, options?: WriteOptions): Promise<void>;
  /** Calls `listener` after every committed change, whoever made it. Returns an unsubscribe id. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}
