// The sync cycle over a compacted log: seq has gaps where covered rows were, and the cycle
// (src/sync/cycle/syncCycle.ts) must not assume it is contiguous. It stores the page's `cursor`, never
// seq + 1, as the worker's applyPage does (src/worker/sync/syncStore.ts); this holds it to that, with
// pages small enough to end next to covered ranges. (A worker-level test needs the worker to store
// pulled snapshots first: every gap comes before the snapshot that covers it.)

import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import type { PullResponse } from '../../../src/sync/protocol';
import { runSyncCycle, type SyncStore } from '../../../src/sync/cycle/syncCycle';
import { httpTransport } from '../../../src/sync/cycle/transport';
import { compactionSpace, type CompactionSpace } from './compactionFixture';

/** A device's sync state in memory: what it was served, page by page. */
function recordingStore(cursor: number): SyncStore & { cursor: number; served: number[]; cursors: number[] } {
  const state = { cursor, served: [] as number[], cursors: [] as number[], epoch: null as string | null };
  return Object.assign(state, {
    pendingActions: async () => [],
    markAcknowledged: async () => {},
    syncState: async () => ({ cursor: state.cursor, epoch: state.epoch }),
    applyPage: async (page: PullResponse) => {
      state.served.push(...page.actions.map((a) => a.seq));
      state.cursors.push(page.cursor);
      state.cursor = page.cursor;
      state.epoch = page.epoch;
      return { changed: page.actions.length };
    },
    quarantine: async () => {},
    resetForNewEpoch: async () => {
      throw new Error('the server was not reset');
    },
    restampPending: async () => {},
  });
}

describe('the sync cycle over a compacted log', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  /** 1..6 edits of two notes, 7 a snapshot of the first (basis 6): 1-3 and 5-6 are covered. */
  async function compacted(): Promise<{ s: CompactionSpace; token: string }> {
    server = await createTestServer();
    const s = await compactionSpace(server);
    const [e, f] = [uuidv7(), uuidv7()];
    await s.push([s.edit(e), s.edit(e), s.edit(e), s.edit(f), s.edit(e), s.edit(e)]);
    await s.push([s.snapshot(e, 6)]);
    return { s, token: s.token };
  }

  it('reaches head from any cursor, at any page size, getting exactly the uncovered rows after it', async () => {
    const { s, token } = await compacted();
    const transport = httpTransport({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });
    for (const start of [0, 1, 3, 4, 5, 6, 7]) {
      for (const pullLimit of [1, 2, 500]) {
        const device = recordingStore(start);
        const result = await runSyncCycle(uuidv7(), device, transport, { pullLimit });
        expect(result.head).toBe(7);
        expect(device.cursor, `from ${start}, pages of ${pullLimit}`).toBe(7);
        expect(device.served).toEqual(s.expectedAfter(start));
        // Cursors only move forward, and each page's cursor is one the server gave.
        expect([...device.cursors].sort((a, b) => a - b)).toEqual(device.cursors);
      }
    }
  });
});
