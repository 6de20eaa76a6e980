// "Instant on 10,000 notes" (issue 7): a measurement, printed, not asserted (timings depend on the
// machine). Builds 10,000 notes of a few hundred words, materialized as a pulled batch would be
// (rows saved in one transaction, the index kept by its triggers), then times searches as a user
// types them.

import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../../src/sync/hlc';
import { mergeAction } from '../../../src/sync/merge';
import { saveEntity } from '../../../src/worker/store/entityRows';
import { searchNotes } from '../../../src/worker/notes/search';
import { inTransaction } from '../../../src/worker/db/sql';
import { openStore, uuidFor } from '../helpers';

const NOTES = 10_000;

/** Deterministic pseudo-random words (a small LCG), so runs compare. */
function words(seed: number): () => string {
  let x = seed;
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'an', 'el', 'or', 'us', 'pe', 'di', 'fa', 'go'];
  // The high bits: an LCG's low bits repeat with a short period.
  const random = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x >>> 12;
  };
  return () => {
    let w = '';
    const n = 1 + (random() % 4);
    for (let i = 0; i < n; i++) w += syllables[random() % syllables.length];
    return w;
  };
}

describe('search at scale (measurement)', () => {
  it('answers as-you-type queries on 10,000 notes', async () => {
    const store = await openStore();
    const next = words(7);
    const sentence = (n: number) => Array.from({ length: n }, next).join(' ');
    const t0 = performance.now();
    inTransaction(store.db, () => {
      const clientId = uuidFor('0199b000', 1);
      for (let i = 0; i < NOTES; i++) {
        const created = mergeAction(undefined, {
          id: uuidFor('0199c000', i),
          collection: 'notes',
          entityId: uuidFor('0199a000', i),
          type: 'create',
          payload: { title: sentence(4), body: `${sentence(120)}\n${sentence(120)}` },
          hlc: formatHlc({ ms: 1_750_000_000_000 + i, counter: 0, node: clientId }),
          clientId,
        });
        saveEntity(store.db, 'notes', created.state);
      }
    });
    const built = performance.now() - t0;

    const timings: string[] = [];
    for (const q of ['k', 'ka', 'kal', 'kalo', 'kalo m', 'kalo mine', 'kalo mine ruel', 'zzz']) {
      const runs: number[] = [];
      let hits = 0;
      for (let r = 0; r < 5; r++) {
        const s = performance.now();
        hits = searchNotes(store.db, q).length;
        runs.push(performance.now() - s);
      }
      runs.sort((a, b) => a - b);
      timings.push(`${JSON.stringify(q).padEnd(18)} ${hits.toString().padStart(4)} hits  median ${runs[2]!.toFixed(1)} ms`);
    }
    console.log(`[search scale] ${NOTES} notes materialized and indexed in ${(built / 1000).toFixed(1)} s\n${timings.join('\n')}`);
    expect(searchNotes(store.db, 'kalo').length).toBeGreaterThan(0);
  }, 120_000);
});
