// Property: over any interleaving of pushes of actions and snapshots (bases at most the head at the
// time) for a few entities, retried batches and refused snapshots (basis beyond head), pull serves
// exactly the rows no later snapshot of their entity covers, in seq order: from 0 and from any
// cursor, whatever the page size, with retention kept (30 days) or none (0). The model is
// `uncovered` in compactionFixture.ts. fast-check prints the seed on failure; replay one with
// FC_SEED=<seed> (and FC_PATH=<path> for the shrunk case).

import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/server/store/compaction';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import type { Action } from '../../../src/sync/action';
import { backendKinds, createTestDatabase, type TestDatabase } from '../backends';
import { compactionSpace, uncovered, type CompactionSpace } from './compactionFixture';

const ENTITIES = 3;

type Step =
  | { readonly kind: 'edits'; readonly entities: number[] }
  | { readonly kind: 'snapshot'; readonly entity: number; readonly basis: number; readonly withEdit: boolean }
  | { readonly kind: 'basisAhead'; readonly entity: number; readonly over: number }
  | { readonly kind: 'retry'; readonly back: number };

const entity = fc.nat({ max: ENTITIES - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('edits' as const), entities: fc.array(entity, { minLength: 1, maxLength: 4 }) }) },
  // basis: any number, taken modulo (head + 1) when the step runs, so it is at most the head then.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('snapshot' as const), entity, basis: fc.nat(), withEdit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('basisAhead' as const), entity, over: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retry' as const), back: fc.nat() }) },
);
const scenario = fc.record({
  eager: fc.boolean(),
  steps: fc.array(step, { minLength: 1, maxLength: 14 }),
  cursorPick: fc.nat(),
  limit: fc.integer({ min: 1, max: 6 }),
});

async function run(s: CompactionSpace, steps: readonly Step[]): Promise<void> {
  const ids = Array.from({ length: ENTITIES }, () => uuidv7());
  const batches: Action[][] = [];
  let head = 0;
  for (const st of steps) {
    let batch: Action[];
    if (st.kind === 'edits') batch = st.entities.map((e) => s.edit(ids[e]!));
    else if (st.kind === 'snapshot') {
      const snap = s.snapshot(ids[st.entity]!, st.basis % (head + 1));
      batch = st.withEdit ? [s.edit(ids[st.entity]!), snap] : [snap];
    } else if (st.kind === 'basisAhead') {
      const res = await s.api.pushRaw({ clientId: s.clientId, actions: [s.edit(ids[st.entity]!), s.snapshot(ids[st.entity]!, head + st.over)] });
      expect(res.status).toBe(400);
      continue;
    } else {
      if (batches.length === 0) continue;
      batch = batches[st.back % batches.length]!;
    }
    batches.push(batch);
    head = (await s.push(batch)).head;
  }
}

const runs = Number(process.env.COMPACTION_RUNS ?? 25);
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;

for (const kind of backendKinds) {
  describe(`pull serves exactly the uncovered rows (property) [${kind}]`, () => {
    let db: TestDatabase;
    let kept: TestServer;
    let eager: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      kept = await createTestServer({ backend: db.options(), config: { retentionMs: 30 * DAY_MS } });
      eager = await createTestServer({ backend: db.options(), config: { retentionMs: 0 } });
    });
    afterAll(async () => {
      await eager?.close();
      await kept?.close();
      await db?.drop();
    });

    it('from 0 and from any cursor, in seq order, whatever the page size and retention', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ eager: none, steps, cursorPick, limit }) => {
          const server = none ? eager : kept;
          const s = await compactionSpace(server);
          await run(s, steps);
          const head = (await s.api.pull(0, 1)).head;
          const live = uncovered(s.pushed);
          expect(await s.servedAfter(0, limit)).toEqual(live);
          const cursor = cursorPick % (head + 1);
          expect(await s.servedAfter(cursor, limit)).toEqual(live.filter((seq) => seq > cursor));
          // What is stored: the served rows, and the covered ones only while retention keeps them.
          const covered = s.pushed.length - live.length;
          expect(await server.store.storedRows(s.spaceId)).toEqual({ live: live.length, covered: none ? 0 : covered });
        }),
        { numRuns: runs, verbose: 1, ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) },
      );
    }, 120_000);
  });
}
