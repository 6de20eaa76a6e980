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

/** A [start, end) range of UTF-16 code units in a string: `s.slice(start, end)` is the match. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A note matching a search: a list row (NoteSummary) plus where the query matched. Plain text and
 * ranges, never HTML: the UI wraps each range in <mark> itself. Ranges are sorted, disjoint and
 * within their string.
 */
export interface NoteSearchHit extends NoteSummary {
  /** Where the query matched `title`. */
  readonly titleRanges: readonly TextRange[];
  /**
   * Where the query matched `snippet`. When the body matched, `snippet` is the part of the body
   * around the best match ('…' where it was cut, line breaks as spaces); when only the title
   * matched, it is the list's usual first line and this is empty.
   */
  readonly snippetRanges: readonly TextRange[];
}

export interface SearchOptions {
  /** Most hits returned, best first: 1..1000, default 200. */
  readonly limit?: number;
}

/** A note in the Trash: deleted, not yet removed for good. */
export interface TrashedNote {
  readonly id: string;
  readonly title: string;
  /** The start of the body, one line. */
  readonly snippet: string;
  /** Wall-clock ms of the delete that put it in the Trash. */
  readonly deletedAt: number;
}

/** What an import did, note by note (each note of the file counts once). */
export interface ImportSummary {
  /** Notes new to this device, created with the file's ids. */
  readonly created: number;
  /** Notes that existed with other text: only the fields that differ were written. */
  readonly updated: number;
  /** Notes that were in the Trash: brought back (with the file's text). */
  readonly restored: number;
  /** Notes already present with the same title and body: nothing written. */
  readonly unchanged: number;
  /** Notes removed for good (Trash emptied) on this device or another: those stay removed. */
  readonly skipped: number;
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
  /**
   * Text fields (body) edited rather than replaced: the text the change was typed on (the last one
   * the worker gave the editor). The worker merges the difference into the note's document at
   * character level, over whatever reached it since; without it, the given body replaces the text.
   */
  readonly editedFrom?: { readonly body?: string };
}

export type StorageKind = 'opfs' | 'memory';

export interface OpenResult {
  /**
   * 'ready': the notes are open (in this tab's worker or, through it, in another tab's);
   * 'locked': no tab holding the database has answered for a while: say so, and call open() again.
   */
  readonly state: 'ready' | 'locked';
  /** Whether this tab's worker holds the database (leader) or forwards to the one that does. */
  readonly role?: 'leader' | 'follower';
  readonly storage: StorageKind;
  /** Why the app fell back to memory, in words for the user. */
  readonly warning?: string;
  readonly clientId: string;
}

/** The list rows of some notes (getNoteSummaries): `missing` are not visible (deleted, purged, unknown). */
export interface NoteSummaries {
  readonly summaries: readonly NoteSummary[];
  readonly missing: readonly string[];
}

/** At most this many ids per getNoteSummaries call. */
export const MAX_SUMMARY_IDS = 1_000;

export interface ListOptions {
  /** Only the newest `limit` notes (1..100,000): the first screen of a long list. */
  readonly limit?: number;
}

export interface ChangeEvent {
  /** Entities whose visible state changed (created, edited, deleted). */
  readonly entityIds: readonly string[];
  /** Which entities changed is unknown (the page's worker restarted after a freeze): re-read everything. */
  readonly all?: boolean;
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
  /** True when the account was deleted (here or on another device): the notes are local only, and any account may sign in. */
  readonly accountDeleted: boolean;
  readonly lastSyncedAt: number | null;
  /** The reason, in words, when state is 'error'. */
  readonly error: string | null;
  /** The server's error code behind an 'error' state, when it gave one (e.g. storage_full), for the words the page shows. */
  readonly errorCode: string | null;
  /** Local changes the server has not acknowledged yet. */
  readonly pendingCount: number;
  /**
   * Snapshots of this device's history still to make or upload (after a catch-up, a slice a sync):
   * housekeeping, not changes, so the state may say synced meanwhile. Absent from an older worker.
   */
  readonly compacting?: boolean;
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

/** 'offline' tells the worker at once (it may not hear the browser's offline event itself). */
export type SyncNowReason = 'focus' | 'visibility' | 'online' | 'offline' | 'manual';

export interface NotesApi {
  open(): Promise<OpenResult>;
  listNotes(options?: ListOptions): Promise<NoteSummary[]>;
  /**
   * The list rows of the notes `ids` (a ChangeEvent's), so a list can be patched instead of read
   * again. ValidationError: not an array of note ids, or more than MAX_SUMMARY_IDS.
   */
  getNoteSummaries(ids: readonly string[]): Promise<NoteSummaries>;
  getNote(id: string): Promise<Note | null>;
  createNote(fields?: NoteFields, options?: WriteOptions & { readonly id?: string }): Promise<Note>;
  /** Writes only the fields given (the changed ones); one action, one transaction. */
  updateNote(id: string, fields: NoteFields, options?: WriteOptions): Promise<Note>;
  /** Moves the note to the Trash (a delete action); undo with restoreNote. */
  deleteNote(id: string, options?: WriteOptions): Promise<void>;

  // Search, Trash, export and import (issue 7).
  /**
   * Visible notes matching every word of `query` as a prefix (diacritics and case folded), best
   * first. Any text is accepted (quotes, operators, brackets are plain text); a query without a
   * letter or digit matches nothing ([]). ValidationError: not a string, or over 1,000 characters.
   */
  searchNotes(query: string, options?: SearchOptions): Promise<NoteSearchHit[]>;
  /** The Trash: deleted notes not yet removed for good, most recently deleted first. */
  listTrash(): Promise<TrashedNote[]>;
  /**
   * Brings a note back from the Trash (a 'restore' action: it wins over every delete it was made
   * after, on every device). Undo of deleteNote. A note already visible is returned as it is.
   * NotFoundError when there is no such note or it was removed for good.
   */
  restoreNote(id: string, options?: { readonly actionId?: string }): Promise<Note>;
  /**
   * Removes a note in the Trash for good (a 'purge' action, synced; it cannot be undone).
   * NotFoundError when the note is not in the Trash (visible, already removed, or unknown).
   */
  purgeNote(id: string, options?: { readonly actionId?: string }): Promise<void>;
  /** Removes every note in the Trash for good, in one transaction. Returns how many. */
  emptyTrash(): Promise<{ readonly purged: number }>;
  /** Every visible note as a JSON export (docs/export-format.md), as the text of the file. */
  exportJson(): Promise<string>;
  /** Every visible note as a .zip of Markdown files (one per note, front matter with id and dates). */
  exportMarkdown(): Promise<Uint8Array>;
  /**
   * Imports a JSON export (the text of the file). All or nothing: a file that is not a valid
   * export rejects with a ValidationError saying what is wrong (e.g. "notes[3].title: must be a
   * string") and changes nothing. Importing the same file twice creates nothing the second time.
   */
  importJson(text: string): Promise<ImportSummary>;
  /** Calls `listener` after every committed change, whoever made it. Returns an unsubscribe id. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<number>;
  unsubscribe(id: number): Promise<void>;

  // Accounts and sync (issue 4). Auth calls reject with AuthError / NetworkError / AccountMismatchError.
  register(username: string, password: string): Promise<SyncStatus>;
  signIn(username: string, password: string): Promise<SyncStatus>;
  /** Ends the session; notes and pending changes stay on the device (local only). */
  signOut(): Promise<SyncStatus>;
  /**
   * Changes the account's password; every other session (device) is signed out, this one stays.
   * AuthError when the current password is wrong or the new one breaks the rules; NetworkError offline.
   */
  changePassword(currentPassword: string, newPassword: string): Promise<SyncStatus>;
  /** Ends every session of the account, this one too; notes stay on every device. NetworkError offline. */
  signOutEverywhere(): Promise<SyncStatus>;
  /**
   * Erases the account and its data on the server (asks for the password); every device is signed
   * out and keeps its notes, now local only. AuthError for a wrong password; NetworkError offline.
   */
  deleteAccount(password: string): Promise<SyncStatus>;
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
