import { describe, expect, it } from 'vitest';
import { workerErrorNames } from '../../src/worker/api';
import {
  AccountMismatchError,
  AuthError,
  DatabaseLockedError,
  NetworkError,
  NotFoundError,
  StorageFullError,
  storageFailure,
  ValidationError,
} from '../../src/worker/errors';
import { loadSqlite } from './helpers';

describe('worker errors', () => {
  it('carry the names api.ts promises the page (Comlink keeps name and message)', () => {
    const names = [
      new StorageFullError(),
      new NotFoundError('x'),
      new ValidationError('x'),
      new DatabaseLockedError(),
      new AuthError('x'),
      new NetworkError(),
      new AccountMismatchError('x'),
    ].map((e) => e.name);
    expect(names).toEqual([...workerErrorNames]);
  });

  it('classify SQLite and browser storage failures', async () => {
    const sqlite3 = await loadSqlite();
    expect(storageFailure(new sqlite3.SQLite3Error(13))).toBe('full');
    // SQLITE_IOERR_WRITE: an extended code of SQLITE_IOERR, what opfs-sahpool reports for a failed write.
    expect(storageFailure(new sqlite3.SQLite3Error(778))).toBe('io');
    expect(storageFailure(Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' }))).toBe('full');
    expect(storageFailure(new sqlite3.SQLite3Error(19))).toBeUndefined();
    expect(storageFailure(new TypeError('bug'))).toBeUndefined();
  });
});
