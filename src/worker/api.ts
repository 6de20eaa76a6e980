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
export const workerErrorNames = [
  'StorageFullError',
  'NotFoundError',
  'ValidationError',
  'DatabaseLockedError',
  /** Wrong username/password, username taken, rate limited: the message is for the user. */
  'AuthError',
  /** The server could not be reached. */
  'NetworkError',
  /** This device's notes belong to another account. */
  'AccountMismatchError',
] as const;
export type WorkerErrorName = (typeof workerErrorNames)[number];

/** What "Sync status" shows. */
export type SyncState = 'local-only' | 'offline' | 'syncing' | 'synced' | 'error';

export interface QuarantinedAction {
  readonly actionId: string;
  readonly entityId: string;
  readonly reason: string;
}

export interface SyncStatus {
  readonly state: SyncState;
  /** Signed in as; null when signed out (local only). */
  readonly account: { readonly userId: string; readonly username: string } | null;
  /** The account this device's notes belong to (set by the first sign-in), even when signed out. */
  readonly boundUsername: string | null;
  /** True when the server ended the session (expired or revoked token): sign in again. */
  readonly sessionExpired: boolean;
  readonly lastSyncedAt: number | null;
  /** The reason, in words, when state is 'error'. */
  readonly error: string | null;
  /** Local changes the server has not acknowledged yet. */
  readonly pendingCount: number;
  readonly quarantined: readonly QuarantinedAction[];
  /** Open entries of the Conflicts region (refresh listConflicts when this or a ChangeEvent says so). */
  readonly conflictCount: number;
}

export interface ConflictEntry {
  readonly id: number;
  readonly entityId: string;
  /** The note's current title (or its last one, when it was deleted). */
  readonly noteTitle: string;
  readonly field: string;
  readonly kind: 'overwritten' | 'deleted';
  /** The text this device wrote that lost. */
  readonly lostValue: string;
  readonly createdAt: number;
}

export type SyncNowReason = 'focus' | 'visibility' | 'online' | 'manual';

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

  // Accounts and sync (issue 4). Auth calls reject with AuthError / NetworkError / AccountMismatchError.
  register(username: string, password: string): Promise<SyncStatus>;
  signIn(username: string, password: string): Promise<SyncStatus>;
  /** Ends the session; notes and pending changes stay on the device (local only). */
  signOut(): Promise<SyncStatus>;
  getSyncStatus(): Promise<SyncStatus>;
  /** A hint from the page (focus, visibility, online); the worker decides when to run. */
  syncNow(reason: SyncNowReason): Promise<void>;
  /** Calls `listener` whenever the status changes. Unsubscribe with `unsubscribe`. */
  subscribeStatus(listener: (status: SyncStatus) => void): Promise<number>;
  listConflicts(): Promise<ConflictEntry[]>;
  /** Brings the lost text back with a new action that wins (an update, or a restore for a deleted note). */
  restoreConflict(id: number, options?: { readonly actionId?: string }): Promise<void>;
  dismissConflict(id: number): Promise<void>;
}
