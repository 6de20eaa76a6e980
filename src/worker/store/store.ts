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
//       Returns the entities whose visible state changed, for change events. Written set-wise:
//       page/remotePage.ts (a fixed number of statements per page), snapshots in page/pageSnapshots.ts.
//   store.pendingActions(limit), store.quarantine(id, reason)          the upload queue
//   store.syncCursor / setSyncCursor, store.syncEpoch / setSyncEpoch   sync position (meta)
//   store.entity(collection, id), store.hasAction(id), store.openConflicts()   reads for the service
//
// Stamps are taken on the corrected clock, now() + the server clock offset (meta.ts), so a device
// whose clock is minutes off still stamps in the server's time once it has pulled.
//
// The search index (notes_fts) follows the materialized rows through triggers (migrations.ts v5):
// every write here, local or pulled, queues its rows in the same transaction; searchIndex.ts indexes them.
//
// Failures throw and leave nothing behind: every write is in one transaction. Input from other
// threads is validated before it gets here (validation.ts); actions are checked again against the
// wire schema, so the log never holds an action the server would refuse.

import * as v from 'valibot';
import type { Action } from '../../sync/action';
import { isCollectionName, type CollectionName } from '../../sync/collections';
import { createDocCache, type TextDocCache } from '../../sync/text/yjsText';
import { formatHlc, maxHlc, parseHlc, receiveHlc, sendHlc, type Hlc } from '../../sync/hlc';
import { mergeAction, type Conflict, type EntityState } from '../../sync/merge';
import { ActionSchema, describeIssues } from '../../sync/protocol';
import { appendAction, findAction, listPendingActions, quarantineAction } from './actionLog';
import { listOpenConflicts, recordConflicts, type StoredConflict } from './conflicts';
import { loadEntity, saveEntity } from './entityRows';
import { baseFor, textEditsOf, type LocalWrite } from './localWrite';

export type { LocalWrite } from './localWrite';
import { applyPage } from './page/remotePage';
import type { PagedAction } from './page/pagePlan';
import { ValidationError } from '../errors';
import {
  ensureClientId,
  getClockOffset,
  getSyncCursor,
  getSyncEpoch,
  readClock,
  readClockAndOffset,
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

export type RemoteAction = PagedAction;

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

export class Store {
  /**
   * The clock and offset as the last local write left them, with the connection's count of changed
   * rows after it (sqlite3_total_changes): while nothing else has written since, the next local write
   * takes them from here instead of reading them back (a statement, ~25 us of a ~600 us durable write
   * in the storage bench). Anything that writes (a pulled page, a snapshot, re-stamping, the search
   * index, another Store on the connection) changes the count, so the next one reads. A write that
   * rolls back leaves this ahead of the database, which only makes the next stamp greater.
   */
  private lastLocal: { readonly clock: Hlc; readonly offsetMs: number; readonly changes: number } | null = null;

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

  /**
   * Copies the WAL's pages back into the database (pragmas.ts: commits do not, up to a ceiling),
   * so the WAL restarts small. For when nothing waits: the sync engine calls it before a cycle.
   * Best effort, never throws: one that cannot run now (storage full, say) loses nothing, as the
   * WAL holds every commit, and the next call or the ceiling tries again.
   */
  checkpoint(): void {
    try {
      this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch {
      // see above
    }
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
      if (w.mustBeNew && current) throw new ValidationError(`id: ${w.collection === 'notes' ? 'a note' : 'an entity'} with this id already exists`);
      const now = this.deps.now();
      // The action logged below carries the new clock (readClock reads it back): meta is not rewritten.
      const kept = this.lastLocal !== null && this.lastLocal.changes === this.db.changes(true) ? this.lastLocal : readClockAndOffset(this.db, this.clientId);
      const clock = sendHlc(kept.clock, now + kept.offsetMs);
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
      this.lastLocal = { clock, offsetMs: kept.offsetMs, changes: this.db.changes(true) };
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
      let clock = readClock(this.db, this.clientId);
      for (const a of actions) clock = receiveHlc(clock, parseHlc(a.hlc), hlcNow);
      if (options.serverTime !== undefined) clock = maxHlc(clock, { ms: Math.floor(options.serverTime), counter: 0 });
      const page = applyPage(this.db, actions, this.clientId, this.textDocs);
      writeClock(this.db, clock);
      const recorded = recordConflicts(this.db, page.conflicts, now);
      if (options.cursor !== undefined) setSyncCursor(this.db, options.cursor);
      if (options.epoch !== undefined) setSyncEpoch(this.db, options.epoch);
      return { changedIds: page.changedIds, conflicts: recorded, inserted: page.inserted, acked: page.acked };
    });
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
