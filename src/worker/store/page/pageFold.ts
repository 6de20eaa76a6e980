// The merge of a pulled page's new actions into the rows they touch, entity by entity (pure but
// for the document cache): each entity's actions fold in page order into its current state, so its
// row is written once per page and its text document loads once (the next edit finds it cached).
//
// Exactly what folding the page one action at a time would give: merge.ts is per entity, so the
// order between entities changes nothing, and within one the page order is kept; conflicts come
// back in page order (each action's in the order merge.ts reported them). A run of another
// device's text edits of one note merges at once (merge.ts mergeTextEditRun), the same state.

import type { CollectionName } from '../../../sync/collections';
import { isRemoteTextEdit, isVisible, mergeAction, mergeTextEditRun, type Conflict, type EntityState } from '../../../sync/merge';
import type { TextDocCache } from '../../../sync/text/yjsText';
import type { PlannedEntity } from './pagePlan';
import { foldSnapshot } from './pageSnapshots';

export interface FoldedEntity {
  readonly collection: CollectionName;
  readonly id: string;
  readonly state: EntityState | undefined;
  /** The state changed: its row is to be written. */
  readonly dirty: boolean;
  /** Visible state (fields, visibility or pending badge) changed: the UI re-reads it. */
  readonly changed: boolean;
}

export interface PageFold {
  readonly entities: readonly FoldedEntity[];
  readonly conflicts: readonly Conflict[];
}

/** Folds each planned entity's new actions into its current row (`rows` by entityKey). */
export function foldPage(
  planned: ReadonlyMap<string, PlannedEntity>,
  rows: ReadonlyMap<string, EntityState>,
  localClientId: string,
  cache: TextDocCache,
): PageFold {
  const entities: FoldedEntity[] = [];
  const tagged: { readonly at: number; readonly conflict: Conflict }[] = [];
  for (const [key, p] of planned) {
    const before = rows.get(key);
    let state = before;
    let dirty = false;
    for (let i = 0; i < p.fresh.length; ) {
      // Another device's typing comes as many edits of one note in a row: merged as one run.
      let end = i;
      if (state !== undefined && state.purgedStamp === null) while (end < p.fresh.length && isRemoteTextEdit(p.fresh[end]!.action, localClientId)) end++;
      if (state !== undefined && end - i >= 2) {
        const merged = mergeTextEditRun(state, p.fresh.slice(i, end).map((f) => f.action), cache);
        if (merged.changed) {
          state = merged.state;
          dirty = true;
        }
        i = end;
        continue;
      }
      const { at, action } = p.fresh[i++]!;
      const merged = action.type === 'snapshot' ? foldSnapshot(state, action, localClientId, cache) : mergeAction(state, action, localClientId, cache);
      if (merged.changed) {
        state = merged.state;
        dirty = true;
      }
      for (const conflict of merged.conflicts) tagged.push({ at, conflict });
    }
    const wasVisible = before !== undefined && isVisible(before);
    const visible = state !== undefined && isVisible(state);
    const changed = (dirty && (wasVisible || visible)) || (p.ackChanged && visible);
    entities.push({ collection: p.collection, id: p.id, state, dirty: dirty && state !== undefined, changed });
  }
  // Stable: within one action its conflicts keep merge.ts's order.
  tagged.sort((x, y) => x.at - y.at);
  return { entities, conflicts: tagged.map((t) => t.conflict) };
}
