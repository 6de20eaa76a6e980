// The connection settings every open applies (pragmas.ts), as the database reports them. WAL itself
// needs a file (opfs-sahpool): tests/e2e/storageFormat.spec.ts checks it in the browser.

import { describe, expect, it } from 'vitest';
import { openStore } from '../helpers';

describe('connection pragmas', () => {
  it('commits sync (FULL), the WAL checkpoints only past 2,048 pages, a 32 MB page cache', async () => {
    const store = await openStore();
    const value = (pragma: string) => store.db.selectValue(`PRAGMA ${pragma}`);
    expect(value('synchronous')).toBe(2);
    expect(value('wal_autocheckpoint')).toBe(2048);
    expect(value('cache_size')).toBe(-32768);
    expect(value('temp_store')).toBe(2);
    // A checkpoint with no WAL (memory here, an empty WAL on OPFS) is a no-op, not an error.
    expect(() => store.checkpoint()).not.toThrow();
  });
});
