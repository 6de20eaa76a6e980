// What a pulled page means for the log, before anything is written (pure): which actions are new
// (to append and merge), which logged ones the server acknowledged (and at what seq), which
// entities a page touches, in the order the page first names them. Store.applyRemote then writes
// the plan set-wise: one statement per kind of change instead of one per action.
//
// The plan is exactly what applying the page one action at a time, in order, would do to the log:
// the same new rows in the same order with the same seqs, the same acknowledgements (the last seq
// the page gives an action wins, as successive updates would leave it).

import type { Action } from '../../../sync/action';
import type { CollectionName } from '../../../sync/collections';
import { entityKey } from '../../../sync/merge';
import { updateProblem } from '../../../sync/text/yjsText';
import type { ActionMark } from '../actionLog';

export interface PagedAction extends Action {
  /** The server's seq, when the action came from a pull. */
  readonly seq?: number;
}

export interface PlannedEntity {
  readonly collection: CollectionName;
  readonly id: string;
  /** The page's new actions on this entity, in page order, with their positions in the page. */
  readonly fresh: { readonly at: number; readonly action: Action }[];
  /** One of this device's pending actions on it came back acknowledged (its badge changes). */
  ackChanged: boolean;
}

export interface PagePlan {
  /** New actions in page order (first occurrence), with the seq they are stored at. */
  readonly fresh: Map<string, { readonly action: Action; readonly status: 'acked'; serverSeq: number | null }>;
  /** Logged actions to mark acknowledged: id -> seq to store (null: keep the one stored). */
  readonly acks: Map<string, number | null>;
  /** How many acknowledgements the page carried (as the result counts them). */
  readonly acked: number;
  /** Touched entities by entityKey, in the order the page first touches them. */
  readonly entities: Map<string, PlannedEntity>;
  /** Snapshot actions of the page (new or not), in page order: what they cover is pruned. */
  readonly snapshotIds: readonly string[];
  /**
   * Logged actions an own snapshot earlier in the page stands for (acknowledged, seq never learned,
   * logged before it: pageSnapshots.ts), which the page then serves: one at a time, the snapshot
   * prunes each and it comes back as new. So their rows go before the page's are appended, and
   * they are in `fresh` at their place in the page.
   */
  readonly replaced: readonly string[];
}

/** Plans a page against the log's marks of its ids (absent: not logged). `marks` is not changed. */
export function planPage(actions: readonly PagedAction[], logged: ReadonlyMap<string, ActionMark>, localClientId?: string): PagePlan {
  const marks = new Map(logged);
  // Per entity, the log position of the latest own snapshot the page has named so far (a new one
  // goes after every logged row).
  const ownSnapshotAt = new Map<string, number>();
  const replaced: string[] = [];
  const fresh: PagePlan['fresh'] = new Map();
  const acks = new Map<string, number | null>();
  const entities = new Map<string, PlannedEntity>();
  const snapshotIds: string[] = [];
  let acked = 0;
  const touch = (a: Action): PlannedEntity => {
    const key = entityKey(a.collection, a.entityId);
    let e = entities.get(key);
    if (!e) entities.set(key, (e = { collection: a.collection as CollectionName, id: a.entityId, fresh: [], ackChanged: false }));
    return e;
  };
  const ack = (id: string, seq: number | null) => {
    const entry = fresh.get(id);
    if (entry) entry.serverSeq ??= seq; // stored by the insert, not an update
    else acks.set(id, seq ?? acks.get(id) ?? null);
  };

  actions.forEach((a, at) => {
    const seq = a.seq ?? null;
    if (a.type === 'snapshot') snapshotIds.push(a.id);
    let mark = marks.get(a.id);
    const key = entityKey(a.collection, a.entityId);
    const standsFor = ownSnapshotAt.get(key);
    if (mark && standsFor !== undefined && mark.status === 'acked' && mark.serverSeq === null && mark.localSeq !== undefined && mark.localSeq < standsFor) {
      replaced.push(a.id);
      mark = undefined;
    }
    if (a.type === 'snapshot' && a.clientId === localClientId) ownSnapshotAt.set(key, mark?.localSeq ?? Infinity);
    if (mark) {
      if (mark.status !== 'acked' || (seq !== null && mark.serverSeq === null)) {
        ack(a.id, seq);
        marks.set(a.id, { status: 'acked', serverSeq: seq ?? mark.serverSeq });
        acked++;
        if (mark.status === 'pending') touch(a).ackChanged = true;
      } else if (seq !== null && mark.serverSeq !== null && seq > mark.serverSeq && !fresh.has(a.id)) {
        // Served again at a later seq: its row was covered and deleted, then a retry of it was
        // stored anew. Pruning must compare with the seq the server serves it at now.
        ack(a.id, seq);
        marks.set(a.id, { status: 'acked', serverSeq: seq });
      }
      return;
    }
    const { seq: _seq, ...action } = withWellFormedEdits(a);
    fresh.set(a.id, { action, status: 'acked', serverSeq: seq });
    marks.set(a.id, { status: 'acked', serverSeq: seq });
    touch(a).fresh.push({ at, action });
  });
  return { fresh, acks, acked, entities, snapshotIds, replaced };
}

/**
 * The server checks every edit before it stores it; one that is still not a well-formed text update
 * (a server of another version, a bug) is left out, of the log and the merge, rather than let near a
 * document.
 */
function withWellFormedEdits(a: PagedAction): PagedAction {
  if (a.edits === undefined) return a;
  const kept = Object.entries(a.edits).filter(([, e]) => updateProblem(e.update) === null);
  if (kept.length === Object.keys(a.edits).length) return a;
  const { edits: _edits, ...rest } = a;
  return kept.length > 0 ? { ...rest, edits: Object.fromEntries(kept) } : rest;
}
