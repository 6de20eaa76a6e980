// The server process sweeps covered history past RETENTION_DAYS (store/sweep.ts, started by
// server.ts), on its injected clock, and shuts down cleanly with a sweep under way.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/server/clock';
import { DAY_MS } from '../../../src/server/store/compaction';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { api, makeAction, makeSnapshot } from '../helpers';
import { listen } from '../listening';

for (const kind of backendKinds) {
  describe(`covered history sweep in the server process [${kind}]`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('deletes rows covered longer than RETENTION_DAYS, and closes cleanly with a sweep under way', async () => {
      const clock = new ManualClock(Date.now());
      const live = await listen(db, { clock, config: { retentionMs: 30 * DAY_MS, tokenTtlMs: 3650 * DAY_MS } });
      let closed = false;
      try {
        const user = await live.register();
        const client = api((path, init) => live.fetch(path, init), user.token);
        const clientId = uuidv7();
        const e = uuidv7();
        const edits = ['create', 'update', 'update'] as const;
        await client.push(clientId, edits.map((type) => makeAction(clientId, { entityId: e, type, ms: clock.now() })));
        await client.push(clientId, [makeSnapshot(clientId, e, 3, { ms: clock.now() })]);

        clock.advance(30 * DAY_MS - 1);
        expect(await live.server.sweepCoveredHistory()).toBe(0);
        clock.advance(1);
        expect(await live.server.sweepCoveredHistory()).toBe(3);
        expect((await client.pullAll()).map((a) => a.seq)).toEqual([4]);

        const underWay = live.server.sweepCoveredHistory();
        await live.server.close();
        closed = true;
        await expect(underWay).resolves.toBe(0);
      } finally {
        if (!closed) await live.server.close();
      }
    });
  });
}
