// The errors a caller of the worker may meet, by name (Comlink carries `name` and `message` across
// the thread boundary, not the class), plus the translation of SQLite failures into them.

import type { WorkerErrorName } from './api';

class WorkerError extends Error {
  constructor(
    override readonly name: WorkerErrorName,
    message: string,
  ) {
    super(message);
  }
}

export class StorageFullError extends WorkerError {
  constructor(message = 'Your device has no room left for notes: this change was not saved. Free some space and try again.') {
    super('StorageFullError', message);
  }
}

export class NotFoundError extends WorkerError {
  constructor(message: string) {
    super('NotFoundError', message);
  }
}

export class ValidationError extends WorkerError {
  constructor(message: string) {
    super('ValidationError', message);
  }
}

export class DatabaseLockedError extends WorkerError {
  constructor(message = 'Your notes are open in another tab. Close it, then reload this one.') {
    super('DatabaseLockedError', message);
  }
}

/** The server refused the credentials or the request (wrong password, name taken, rate limited). */
export class AuthError extends WorkerError {
  constructor(message: string) {
    super('AuthError', message);
  }
}

/** The server could not be reached or did not answer sensibly. */
export class NetworkError extends WorkerError {
  constructor(message = 'Cannot reach the server. Check your connection and try again.') {
    super('NetworkError', message);
  }
}

/** This device's notes belong to another account (the first one that signed in here). */
export class AccountMismatchError extends WorkerError {
  constructor(message: string) {
    super('AccountMismatchError', message);
  }
}

const SQLITE_IOERR = 10;
const SQLITE_FULL = 13;

/** The primary SQLite result code of an error thrown by sqlite-wasm, if it carries one. */
function sqliteResultCode(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null || !('resultCode' in e)) return undefined;
  const code = (e as { resultCode: unknown }).resultCode;
  // Extended codes keep the primary code in their low byte.
  return typeof code === 'number' ? code & 0xff : undefined;
}

function mentionsQuota(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e.name === 'QuotaExceededError' || /quota/i.test(e.message);
}

export type StorageFailure = 'full' | 'io';

/**
 * Whether an error means the write could not reach storage: 'full' when SQLite or the browser said
 * so, 'io' for an I/O error that may be a quota in disguise (the opfs-sahpool VFS reports the
 * browser's QuotaExceededError as a plain SQLITE_IOERR).
 */
export function storageFailure(e: unknown): StorageFailure | undefined {
  if (mentionsQuota(e)) return 'full';
  const code = sqliteResultCode(e);
  if (code === SQLITE_FULL) return 'full';
  if (code === SQLITE_IOERR) return 'io';
  return undefined;
}

/**
 * What a failed store write throws: StorageFullError when storage is full (or an I/O error comes
 * while the storage estimate shows the origin nearly full), a plain sentence for another I/O
 * error, the error itself otherwise.
 */
export async function writeError(e: unknown, storageNearlyFull?: () => Promise<boolean>): Promise<unknown> {
  const failure = storageFailure(e);
  if (failure === 'full') return new StorageFullError();
  if (failure !== 'io') return e;
  const full = await (storageNearlyFull?.() ?? Promise.resolve(false)).catch(() => false);
  if (full) return new StorageFullError();
  return new Error(`Could not write to this device's storage, so the change was not saved (${(e as Error).message}).`, { cause: e });
}
