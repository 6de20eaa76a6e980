// The materialized tables are a cache of the log: replaying every action from empty must give the
// same rows. This module computes that replay (for the equality test, and to repair or rebuild the
// tables after a change of materialization) without touching the incremental path.

import { collectionNames, isCollectionName } from '../../sync/collections';
import { entityKey, mergeAction, type EntityState } from '../../sync/merge';
import { iterateActions } from './actionLog';
import { clearEntities, loadAllEntities, saveEntity } from './entityRows';
import { inTransaction, type Db } from '../db/sql';

/** The state a full replay of the log from empty gives, keyed by entityKey. */
export function replayLog(db: Db): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  for (const { action } of iterateActions(db)) {
    if (!isCollectionName(action.collection)) continue;
    const key = entityKey(action.collection, action.entityId);
    const r = mergeAction(states.get(key), action);
    if (r.changed) states.set(key, r.state);
  }
  return states;
}

/** The materialized rows of every collection, keyed by entityKey. */
export function materializedState(db: Db): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  for (const c of collectionNames) for (const e of loadAllEntities(db, c)) states.set(entityKey(c, e.id), e);
  return states;
}

/** Rewrites every materialized table from the log, in one transaction. */
export function rebuildFromLog(db: Db): void {
  inTransaction(db, () => {
    const states = replayLog(db);
    for (const c of collectionNames) clearEntities(db, c);
    for (const s of states.values()) if (isCollectionName(s.collection)) saveEntity(db, s.collection, s);
  });
}
