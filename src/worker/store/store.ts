// The worker's storage API: the only code that writes the action log and the materialized tables.
// Plain synchronous calls over one sqlite-wasm database (OPFS in the browser, memory in tests).
//
//   const store = Store.open(db, { now: Date.now, newId: uuidv7 })   pragmas, migrations, client id
//   store.applyLocal({ collection, entityId, type, payload, base?, actionId? })
//       One transaction: stamp the action (HLC, persisted), append it as pending, merge it into the
//       entity's row, record conflicts. A retried actionId returns the logged action, writes nothing.
//   store.applyRemote(actions, { cursor?, epoch?, serverTime? })
//       One transaction for a pulled page: append the actions not in the log yet (as acked, with
//       their server seq), mark our own coming back as acked, merge only the new ones (O(batch),
//       never a replay), fold their clocks and the server's time into ours, record the server clock
//       offset, record conflicts, and advance the cursor.
//       Returns the entities whose visible state changed, for change events.
//   store.pendingActions(limit), store.quarantine(id, reason)          the upload queue
//   store.syncCursor / setSyncCursor, store.syncEpoch / setSyncEpoch   sync position (meta)
//   store.entity(collection, id), store.hasAction(id), store.openConflicts()   reads for the service
//
// Stamps are taken on the corrected clock, now() + the server clock offset (meta.ts), so a device
// whose clock is minutes off still stamps in the server's time once it has pulled.
//
// The search index (notes_fts) follows the materialized rows through triggers (migrations.ts v3),
// so every write here, local or pulled, updates it in the same transaction.
//
// Failures throw and leave nothing behind: every write is in one transaction. Input from other
// threads is validated before it gets here (validation.ts); actions are checked again against the
// wire schema, so the log never holds an action the server would refuse.

import * as v from 'valibot';
import type { Action } from '../../sync/action';
import { isCollectionName, type CollectionName } from '../../sync/collections';
import { createDocCache, updateProblem, type TextDocCache } from '../../sync/text/yjsText';
import { formatHlc, maxHlc, parseHlc, receiveHlc, sendHlc } from '../../sync/hlc';
import { entityKey, isVisible, mergeAction, type Conflict, type EntityState } from '../../sync/merge';
import { ActionSchema, describeIssues } from '../../sync/protocol';
import { actionMarks, appendAction, appendActions, findAction, listPendingActions, markAcked, quarantineAction } from './actionLog';
import { listOpenConflicts, recordConflicts, type StoredConflict } from './conflicts';
import { loadEntities, loadEntity, saveEntity } from './entityRows';
import { baseFor, textEditsOf, type LocalWrite } from './localWrite';
import { saveEntities } from './rowBatch';

export type { LocalWrite } from './localWrite';
import { pruneCoveredMany } from './compaction';
import { ValidationError } from '../errors';
import {
  ensureClientId,
  getClockOffset,
  getSyncCursor,
  getSyncEpoch,
  readClock,
  setClockOffset,
  setSyncCursor,
  setSyncEpoch,
  writeClock,
} from '../db/meta';
import { migrate } from '../db/migrations';
import { applyPragmas } from '../db/pragmas';
import { inTransaction, type Db } from '../db/sql';

export interface StoreDeps {
  /** Wall clock in ms (injected: tests run skewed clocks). */
  readonly now: () => number;
  /** Makes action ids and the client id (UUIDv7 in the app). */
  readonly newId: () => string;
}

export interface LocalResult {
  readonly action: Action;
  /** The entity after the write (undefined only for a retried id whose entity is gone). */
  readonly state: EntityState | undefined;
  /** Conflicts this write created (e.g. an edit landing on a note deleted elsewhere). */
  readonly conflicts: readonly Conflict[];
  /** True when actionId was already in the log: nothing was written. */
  readonly duplicate: boolean;
}

export interface RemoteAction extends Action {
  /** The server's seq, when the action came from a pull. */
  readonly seq?: number;
}

export interface RemoteOptions {
  /** Advance the sync cursor in the same transaction as the page it belongs to. */
  readonly cursor?: number;
  readonly epoch?: string;
  /** The server's clock when it served the page: folded into the HLC, and kept as the clock offset. */
  readonly serverTime?: number;
}

export interface RemoteResult {
  /** Entities whose visible state (fields, visibility or pending badge) changed. */
  readonly changedIds: readonly string[];
  /** Conflicts not recorded before. */
  readonly conflicts: readonly Conflict[];
  /** Actions new to this device. */
  readonly inserted: number;
  /** Actions of ours (or earlier pulls) the server acknowledged in this batch. */
  readonly acked: number;
}

interface Touched {
  readonly collection: CollectionName;
  readonly id: string;
  readonly wasVisible: boolean;
  state: EntityState | undefined;
  dirty: boolean;
  ackChanged: boolean;
}

export class Store {
  /** Documents of recently edited or merged texts (bounded): a keystroke does not reload its note. */
  readonly textDocs: TextDocCache = createDocCache(32);

  private constructor(
    readonly db: Db,
    readonly clientId: string,
    private readonly deps: StoreDeps,
  ) {}

  /** Prepares a freshly opened database: connection pragmas, schema migrations, client id. */
  static open(db: Db, deps: StoreDeps): Store {
    applyPragmas(db);
    migrate(db, undefined, deps.now);
    return new Store(db, ensureClientId(db, deps.newId), deps);
  }

  /** A new action id (UUIDv7 in the app). */
  newActionId(): string {
    return this.deps.newId();
  }

  /** This device's wall clock, uncorrected (for measuring the offset and for times users see). */
  wallNow(): number {
    return this.deps.now();
  }

  /** The corrected wall clock stamps are taken on: device time plus the server clock offset. */
  hlcNow(): number {
    return this.deps.now() + getClockOffset(this.db);
  }

  entity(collection: CollectionName, id: string): EntityState | undefined {
    return loadEntity(this.db, collection, id);
  }

  hasAction(actionId: string): boolean {
    return findAction(this.db, actionId) !== undefined;
  }

  applyLocal(w: LocalWrite): LocalResult {
    return inTransaction(this.db, () => {
      if (w.actionId !== undefined) {
        const logged = findAction(this.db, w.actionId);
        if (logged) {
          if (logged.action.entityId !== w.entityId || logged.action.type !== w.type) {
            throw new ValidationError(`action id ${w.actionId} was already used for another change`);
          }
          return { action: logged.action, state: this.entity(w.collection, w.entityId), conflicts: [], duplicate: true };
        }
      }
      const current = this.entity(w.collection, w.entityId);
      const now = this.deps.now();
      const clock = sendHlc(readClock(this.db, this.clientId), this.hlcNow());
      writeClock(this.db, clock);
      const payload: Record<string, string> = w.type === 'delete' || w.type === 'purge' ? {} : { ...w.payload };
      const edits = w.type === 'delete' || w.type === 'purge' ? {} : textEditsOf(w, current, payload, this.textDocs);
      const base = baseFor(w, payload, current);
      const action: Action = {
        id: w.actionId ?? this.deps.newId(),
        collection: w.collection,
        entityId: w.entityId,
        type: w.type,
        payload,
        hlc: formatHlc(clock),
        clientId: this.clientId,
        ...(base === undefined ? {} : { base }),
        ...(Object.keys(edits).length > 0 ? { edits } : {}),
      };
      const checked = v.safeParse(ActionSchema, action);
      if (!checked.success) throw new ValidationError(describeIssues(checked.issues));

      appendAction(this.db, action, 'pending');
      const merged = mergeAction(current, action, this.clientId, this.textDocs);
      if (merged.changed) saveEntity(this.db, w.collection, merged.state);
      const conflicts = recordConflicts(this.db, merged.conflicts, now);
      return { action, state: merged.state, conflicts, duplicate: false };
    });
  }

  applyRemote(actions: readonly RemoteAction[], options: RemoteOptions = {}): RemoteResult {
    for (const a of actions) {
      if (!isCollectionName(a.collection)) throw new ValidationError(`unknown collection ${JSON.stringify(a.collection)}`);
    }
    return inTransaction(this.db, () => {
      const now = this.deps.now();
      if (options.serverTime !== undefined) setClockOffset(this.db, options.serverTime - now);
      const hlcNow = now + getClockOffset(this.db);
      // Per page, not per action: one lookup of the log, one load of the rows the page touches, each
      // changed row saved once at the end, one insert of the new actions, one clock read and write.
      // Merge is order-independent, so folding a page's actions on one entity in memory is exact.
      const marks = actionMarks(this.db, actions.map((a) => a.id));
      const rows = this.loadTouched(actions);
      const touched = new Map<string, Touched>();
      const touch = (collection: CollectionName, id: string): Touched => {
        const key = entityKey(collection, id);
        let t = touched.get(key);
        if (!t) {
          const state = rows.get(key);
          t = { collection, id, wasVisible: state !== undefined && isVisible(state), state, dirty: false, ackChanged: false };
          touched.set(key, t);
        }
        return t;
      };
      let clock = readClock(this.db, this.clientId);
      const conflicts: Conflict[] = [];
      const fresh = new Map<string, { action: Action; status: 'acked'; serverSeq: number | null }>();
      let acked = 0;
      const covers: string[] = [];

      for (const pulled of actions) {
        const a = withWellFormedEdits(pulled);
        const collection = a.collection as CollectionName;
        clock = receiveHlc(clock, parseHlc(a.hlc), hlcNow);
        const seq = a.seq ?? null;
        if (a.type === 'snapshot') covers.push(a.id);
        const logged = marks.get(a.id);
        if (logged) {
          if (logged.status !== 'acked' || (seq !== null && logged.serverSeq === null)) {
            const entry = fresh.get(a.id); // the same action twice in one page
            if (entry) entry.serverSeq ??= seq;
            else markAcked(this.db, a.id, seq);
            marks.set(a.id, { status: 'acked', serverSeq: seq ?? logged.serverSeq });
            acked++;
            if (logged.status === 'pending') touch(collection, a.entityId).ackChanged = true;
          } else if (seq !== null && logged.serverSeq !== null && seq > logged.serverSeq && !fresh.has(a.id)) {
            // Served again at a later seq: its row was covered and deleted, then a retry of it was
            // stored anew. Pruning must compare with the seq the server serves it at now.
            markAcked(this.db, a.id, seq);
            marks.set(a.id, { status: 'acked', serverSeq: seq });
          }
          continue;
        }
        fresh.set(a.id, { action: stripSeq(a), status: 'acked', serverSeq: seq });
        marks.set(a.id, { status: 'acked', serverSeq: seq });
        const t = touch(collection, a.entityId);
        const merged = mergeAction(t.state, a, this.clientId, this.textDocs);
        if (merged.changed) {
          t.state = merged.state;
          t.dirty = true;
        }
        conflicts.push(...merged.conflicts);
      }
      appendActions(this.db, [...fresh.values()]);
      // The device's log follows the server's: what a page's snapshots cover goes here too.
      pruneCoveredMany(this.db, covers, this.clientId);

      const changedIds: string[] = [];
      const saves = new Map<CollectionName, EntityState[]>();
      for (const t of touched.values()) {
        if (t.dirty && t.state) (saves.get(t.collection) ?? saves.set(t.collection, []).get(t.collection)!).push(t.state);
        const visible = t.state !== undefined && isVisible(t.state);
        if ((t.dirty && (t.wasVisible || visible)) || (t.ackChanged && visible)) changedIds.push(t.id);
      }
      // One statement per collection (rowBatch.ts): a bootstrap's page is a row per snapshot.
      for (const [collection, states] of saves) saveEntities(this.db, collection, states);
      if (options.serverTime !== undefined) clock = maxHlc(clock, { ms: Math.floor(options.serverTime), counter: 0 });
      writeClock(this.db, clock);
      const recorded = recordConflicts(this.db, conflicts, now);
      if (options.cursor !== undefined) setSyncCursor(this.db, options.cursor);
      if (options.epoch !== undefined) setSyncEpoch(this.db, options.epoch);
      return { changedIds, conflicts: recorded, inserted: fresh.size, acked };
    });
  }

  /** The current rows of every entity a page's actions name, by entityKey, in one query per collection. */
  private loadTouched(actions: readonly RemoteAction[]): Map<string, EntityState> {
    const ids = new Map<CollectionName, Set<string>>();
    for (const a of actions) {
      const c = a.collection as CollectionName;
      let set = ids.get(c);
      if (!set) ids.set(c, (set = new Set()));
      set.add(a.entityId);
    }
    const rows = new Map<string, EntityState>();
    for (const [collection, set] of ids) {
      for (const [id, state] of loadEntities(this.db, collection, [...set])) rows.set(entityKey(collection, id), state);
    }
    return rows;
  }

  pendingActions(limit: number): Action[] {
    return listPendingActions(this.db, limit);
  }

  quarantine(actionId: string, reason: string): void {
    quarantineAction(this.db, actionId, reason);
  }

  get syncCursor(): number {
    return getSyncCursor(this.db);
  }

  setSyncCursor(cursor: number): void {
    setSyncCursor(this.db, cursor);
  }

  get syncEpoch(): string | undefined {
    return getSyncEpoch(this.db);
  }

  setSyncEpoch(epoch: string): void {
    setSyncEpoch(this.db, epoch);
  }

  openConflicts(): StoredConflict[] {
    return listOpenConflicts(this.db);
  }
}

/**
 * The server checks every edit before it stores it; one that is still not a well-formed text update
 * (a server of another version, a bug) is left out rather than let near a document.
 */
function withWellFormedEdits(a: RemoteAction): RemoteAction {
  if (a.edits === undefined) return a;
  const kept = Object.entries(a.edits).filter(([, e]) => updateProblem(e.update) === null);
  if (kept.length === Object.keys(a.edits).length) return a;
  const { edits: _edits, ...rest } = a;
  return kept.length > 0 ? { ...rest, edits: Object.fromEntries(kept) } : rest;
}

function stripSeq(a: RemoteAction): Action {
  const { seq: _seq, ...action } = a;
  return action;
}
