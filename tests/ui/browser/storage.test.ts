import { describe, expect, it } from 'vitest';
import { ensurePersisted, readStorage, type StorageApi } from '../../../src/ui/browser/storage';
import { formatBytes } from '../../../src/ui/text/units';

/** A browser's StorageManager that grants persistence when `grants` says so, counting requests. */
function browserStorage(opts: { persisted: boolean; grants: boolean; usage?: number; quota?: number }) {
  let persisted = opts.persisted;
  let requests = 0;
  const api: StorageApi = {
    persisted: async () => persisted,
    persist: async () => {
      requests++;
      if (opts.grants) persisted = true;
      return persisted;
    },
    estimate: async () => ({ usage: opts.usage, quota: opts.quota }),
  };
  return { api, requests: () => requests };
}

describe('ensurePersisted', () => {
  it('does not ask again when storage is already persistent', async () => {
    const s = browserStorage({ persisted: true, grants: false });
    expect(await ensurePersisted(s.api)).toBe(true);
    expect(s.requests()).toBe(0);
  });

  it('asks when it is not, and reports the answer', async () => {
    const yes = browserStorage({ persisted: false, grants: true });
    expect(await ensurePersisted(yes.api)).toBe(true);
    expect(yes.requests()).toBe(1);
    const no = browserStorage({ persisted: false, grants: false });
    expect(await ensurePersisted(no.api)).toBe(false);
  });

  it('is null where the browser has no way to ask', async () => {
    expect(await ensurePersisted(undefined)).toBeNull();
    expect(await ensurePersisted({})).toBeNull();
    expect(await ensurePersisted({ persist: () => Promise.reject(new Error('denied')) })).toBeNull();
  });
});

describe('readStorage', () => {
  it('reads persistence, usage and quota', async () => {
    const s = browserStorage({ persisted: false, grants: false, usage: 1_234_567, quota: 50_000_000_000 });
    expect(await readStorage(s.api)).toEqual({ persisted: false, usage: 1_234_567, quota: 50_000_000_000 });
  });

  it('says null for what the browser does not tell', async () => {
    expect(await readStorage(undefined)).toEqual({ persisted: null, usage: null, quota: null });
    expect(await readStorage({ estimate: async () => ({ usage: Number.NaN }) })).toEqual({ persisted: null, usage: null, quota: null });
  });
});

describe('formatBytes', () => {
  it('uses the largest decimal unit below the size, with one decimal under ten', () => {
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(812, 'en')).toBe('812 B');
    expect(formatBytes(1_234, 'en')).toBe('1.2 kB');
    expect(formatBytes(34_000_000, 'en')).toBe('34 MB');
    expect(formatBytes(1_500_000_000, 'en')).toBe('1.5 GB');
  });
});
