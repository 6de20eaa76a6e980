// Re-stamping after the server refused a push because our clock runs too far ahead (clock_ahead,
// DESIGN.md section 2). The server's time comes with the refusal; from then on this device stamps on
// the corrected clock (now + offset), and the actions it has not been able to upload get new stamps
// on that clock, in their original order, so their relative order (what the user did last wins) is
// kept and the server accepts them.
//
// Only the tail of the queue is re-stamped: the actions stamped beyond what the server can accept
// (serverTime + the allowed lead). An earlier pending action may already be on the server (a push
// whose answer was lost), and the server keeps the first stamp it saw for an id, so changing its
// stamp here would make this device disagree with every other one. Everything before the first
// refusable action keeps its stamp; the new stamps start after the greatest of the server's time,
// every stamp the server has acknowledged or sent us, and the kept ones, so the re-stamped edits
// still order after everything this device had seen when the user made them.

import { formatHlc, parseHlc, sendHlc, type Hlc } from '../../sync/hlc';
import { entityKey, mergeAction, type EntityState } from '../../sync/merge';
import { LIMITS } from '../../sync/protocol';
import { stampOf } from '../../sync/stamp';
import { isCollectionName } from '../../sync/collections';
import { iterateActions, listPendingLogged, maxAckedHlc, restampAction } from './actionLog';
import { saveEntity } from './entityRows';
import { setClockOffset, writeClock } from '../db/meta';
import { inTransaction } from '../db/sql';
import type { Store } from './store';

export interface RestampResult {
  readonly restamped: number;
  /** Entities whose rows were re-derived (their stamps changed). */
  readonly entityIds: readonly string[];
}

export function restampPending(store: Store, serverTime: number): RestampResult {
  const db = store.db;
  return inTransaction(db, () => {
    setClockOffset(db, serverTime - store.wallNow());
    const acceptable = serverTime + LIMITS.maxClockAheadMs;
    const pending = listPendingLogged(db);
    const firstRefused = pending.findIndex((p) => parseHlc(p.action.hlc).ms > acceptable);
    if (firstRefused < 0) return { restamped: 0, entityIds: [] };

    let clock: Hlc = { ms: Math.floor(serverTime), counter: 0, node: store.clientId };
    const seen = [maxAckedHlc(db), ...pending.slice(0, firstRefused).map((p) => p.action.hlc)];
    for (const hlc of seen) if (hlc !== null && hlc > formatHlc(clock)) clock = { ...parseHlc(hlc), node: store.clientId };

    const renamed = new Map<string, string>();
    const entities = new Map<string, { collection: string; id: string }>();
    for (const { action } of pending.slice(firstRefused)) {
      clock = sendHlc(clock, store.hlcNow());
      const hlc = formatHlc(clock);
      renamed.set(stampOf(action), stampOf({ id: action.id, hlc }));
      // A base naming one of our own re-stamped edits must name its new stamp, or receivers would
      // compare against a stamp no device has.
      const base = action.base && Object.fromEntries(Object.entries(action.base).map(([f, st]) => [f, renamed.get(st) ?? st]));
      // Text edits name their base by stamp too; the seed's Yjs client id comes from the base's action
      // id, which re-stamping keeps, so the edits' updates stay valid on the renamed base.
      const edits = action.edits && Object.fromEntries(Object.entries(action.edits).map(([f, e]) => [f, { ...e, base: renamed.get(e.base) ?? e.base }]));
      restampAction(db, action.id, hlc, base, edits);
      entities.set(entityKey(action.collection, action.entityId), { collection: action.collection, id: action.entityId });
    }
    writeClock(db, clock);
    rederive(store, new Set(entities.keys()));
    return { restamped: pending.length - firstRefused, entityIds: [...entities.values()].map((e) => e.id) };
  });
}

/** Rebuilds the rows of the given entities from their log (one pass over the log). */
function rederive(store: Store, keys: ReadonlySet<string>): void {
  const states = new Map<string, EntityState>();
  for (const { action } of iterateActions(store.db)) {
    const key = entityKey(action.collection, action.entityId);
    if (!keys.has(key)) continue;
    const r = mergeAction(states.get(key), action);
    if (r.changed) states.set(key, r.state);
  }
  for (const s of states.values()) if (isCollectionName(s.collection)) saveEntity(store.db, s.collection, s);
}
