import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeAll, isVisible, isDeleted, type EntityState } from '../../src/sync/merge';
import { stampOf } from '../../src/sync/stamp';
import type { Action } from '../../src/sync/action';
import { actionsArb, shuffledWithDuplicates } from './arbitraries';

function stateOf(actions: Iterable<Action>): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  mergeAll(states, actions);
  return states;
}

/** Apply in chunks, each chunk to the state the previous ones left (as pulled pages are applied). */
function stateInPages(actions: readonly Action[], pageSizes: readonly number[]): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  let i = 0;
  for (const size of pageSizes) {
    mergeAll(states, actions.slice(i, i + size));
    i += size;
  }
  mergeAll(states, actions.slice(i));
  return states;
}

function canonical(states: Map<string, EntityState>): unknown {
  return [...states.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

const params = { numRuns: 300, verbose: 1 as const };

describe('merge properties', () => {
  it('any order, any duplication, any paging gives the same state as a replay of the log from empty', () => {
    fc.assert(
      fc.property(
        actionsArb.chain((log) =>
          fc.tuple(fc.constant(log), shuffledWithDuplicates(log), fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 8 })),
        ),
        ([log, delivered, pages]) => {
          const replay = stateOf(log);
          expect(canonical(stateInPages(delivered, pages))).toEqual(canonical(replay));
        },
      ),
      params,
    );
  });

  it('applying a batch twice changes nothing the second time (idempotent)', () => {
    fc.assert(
      fc.property(actionsArb, (log) => {
        const states = stateOf(log);
        const before = canonical(states);
        mergeAll(states, log);
        expect(canonical(states)).toEqual(before);
      }),
      params,
    );
  });

  it('each field holds the value of the greatest stamp that wrote it (unless purged)', () => {
    fc.assert(
      fc.property(actionsArb, (log) => {
        const states = stateOf(log);
        for (const s of states.values()) {
          if (s.purgedStamp !== null) {
            expect(s.fields).toEqual({});
            continue;
          }
          for (const field of ['title', 'body']) {
            const writers = log
              .filter((a) => a.entityId === s.id && field in a.payload && a.type !== 'delete' && a.type !== 'purge')
              .sort((a, b) => (stampOf(a) < stampOf(b) ? 1 : -1));
            expect(s.fields[field]).toBe(writers[0]?.payload[field]);
          }
        }
      }),
      params,
    );
  });

  it('delete wins over updates; only a restore stamped after the delete brings an entity back', () => {
    fc.assert(
      fc.property(actionsArb, (log) => {
        const states = stateOf(log);
        for (const s of states.values()) {
          const mine = log.filter((a) => a.entityId === s.id);
          const lastDelete = mine.filter((a) => a.type === 'delete').map(stampOf).sort().pop();
          const lastRestore = mine.filter((a) => a.type === 'restore').map(stampOf).sort().pop();
          const deleted = lastDelete !== undefined && (lastRestore === undefined || lastDelete > lastRestore);
          expect(isDeleted(s)).toBe(deleted);
          const created = mine.some((a) => a.type === 'create');
          const purged = mine.some((a) => a.type === 'purge');
          expect(isVisible(s)).toBe(created && !deleted && !purged);
        }
      }),
      params,
    );
  });
});
