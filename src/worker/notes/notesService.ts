// The notes part of the NotesApi (api.ts), over a Store. Validates every argument, turns storage
// failures into the named errors of api.ts, and publishes a change event after each committed
// write. The database itself comes from an injected opener: OPFS in the browser (openDatabase.ts),
// memory in tests; nothing here touches browser APIs.

import * as v from 'valibot';
import { isDeleted, type EntityState } from '../../sync/merge';
import { stampClientId } from '../../sync/stamp';
import {
  MAX_SUMMARY_IDS,
  type ChangeEvent,
  type ListOptions,
  type NoteSummaries,
  type Note,
  type NoteFields,
  type NoteSearchHit,
  type NoteSummary,
  type OpenResult,
  type SearchOptions,
  type StorageKind,
  type WriteOptions,
} from '../api';
import { ChangeHub } from '../tabs/changeHub';
import { WriteAnnouncer } from './writeAnnouncer';
import { DatabaseLockedError, NotFoundError, ValidationError, writeError } from '../errors';
import { getNote, listNotes, noteOfState, noteSummaries } from './noteQueries';
import { searchNotes } from './search';
import { indexSoonAfterWrites, type IndexTimers } from './searchIndex';
import { onCommit, type Db } from '../db/sql';
import { Store, type LocalResult, type RemoteAction, type RemoteOptions, type RemoteResult, type StoreDeps } from '../store/store';
import {
  CreateOptionsSchema,
  definedBase,
  definedFields,
  NoteFieldsSchema,
  NoteIdSchema,
  parseInput,
  SearchOptionsSchema,
  SearchQuerySchema,
  SubscriptionIdSchema,
  WriteOptionsSchema,
} from '../validation';

export interface OpenedDatabase {
  readonly state: 'ready';
  readonly db: Db;
  readonly storage: StorageKind;
  /** Said to the user when storage is not what they would expect (e.g. memory only). */
  readonly warning?: string;
}

export interface LockedDatabase {
  readonly state: 'locked';
}

export interface ServiceEnv extends StoreDeps {
  readonly openDatabase: () => Promise<OpenedDatabase | LockedDatabase>;
  /**
   * Asked after an I/O error on a write: whether the device is out of space. The opfs-sahpool VFS
   * reports a quota failure as a plain I/O error, so only the storage estimate can tell.
   */
  readonly storageNearlyFull?: () => Promise<boolean>;
  /** When given, the search index catches up soon after writes (searchIndex.ts); else before each search only. */
  readonly timers?: IndexTimers;
  /**
   * Runs `announce` once the write's caller has its answer (the worker: a moment after Comlink has
   * posted the reply, main.ts). Telling the pages and sync is not part of the write: the page waiting
   * on it should not wait for them. Without it (tests), they are told before the call returns.
   */
  readonly afterReply?: (announce: () => void) => void;
}

interface Opened {
  readonly result: OpenResult;
  readonly store?: Store;
}

const COLLECTION = 'notes';

const ListOptionsSchema = v.strictObject({
  limit: v.optional(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1), v.maxValue(100_000))),
});
const SummaryIdsSchema = v.pipe(
  v.array(NoteIdSchema, 'must be an array of note ids'),
  v.maxLength(MAX_SUMMARY_IDS, `at most ${MAX_SUMMARY_IDS} ids at a time`),
);

export class NotesService {
  readonly changes = new ChangeHub();
  private readonly announcer: WriteAnnouncer;
  private opening: Promise<Opened> | undefined;

  constructor(private readonly env: ServiceEnv) {
    this.announcer = new WriteAnnouncer(this.changes, env.afterReply);
  }

  async open(): Promise<OpenResult> {
    return (await this.opened()).result;
  }

  /** The store, once open; for the sync engine running in this worker. */
  async store(): Promise<Store> {
    const { store } = await this.opened();
    if (!store) throw new DatabaseLockedError();
    return store;
  }

  async listNotes(options?: ListOptions): Promise<NoteSummary[]> {
    const o = parseInput(ListOptionsSchema, options ?? {}, 'options');
    return listNotes((await this.store()).db, o.limit);
  }

  async getNoteSummaries(ids: readonly string[]): Promise<NoteSummaries> {
    const wanted = parseInput(SummaryIdsSchema, ids, 'ids');
    const summaries = noteSummaries((await this.store()).db, wanted);
    const found = new Set(summaries.map((n) => n.id));
    return { summaries, missing: [...new Set(wanted.filter((id) => !found.has(id)))] };
  }

  async searchNotes(query: string, options?: SearchOptions): Promise<NoteSearchHit[]> {
    const q = parseInput(SearchQuerySchema, query, 'query');
    const o = parseInput(SearchOptionsSchema, options ?? {}, 'options');
    return searchNotes((await this.store()).db, q, o);
  }

  async getNote(id: string): Promise<Note | null> {
    const noteId = parseInput(NoteIdSchema, id, 'id');
    return getNote((await this.store()).db, noteId);
  }

  async createNote(fields?: NoteFields, options?: WriteOptions & { readonly id?: string }): Promise<Note> {
    const f = parseInput(NoteFieldsSchema, fields ?? {}, 'fields');
    const o = parseInput(CreateOptionsSchema, options ?? {}, 'options');
    const store = await this.store();
    const id = o.id ?? this.env.newId();
    // An id in use is refused (mustBeNew), unless this is the same call again (its action id is in the log).
    const r = await this.write(() =>
      store.applyLocal({
        collection: COLLECTION,
        entityId: id,
        type: 'create',
        payload: { title: f.title ?? '', body: f.body ?? '' },
        base: definedBase(o),
        actionId: o.actionId,
        mustBeNew: true,
      }),
    );
    if (!r.duplicate) this.localWriteDone([id]);
    const note = answerOf(store, id, r);
    if (!note) throw new NotFoundError('This note was deleted, so it cannot be created again.');
    return note;
  }

  async updateNote(id: string, fields: NoteFields, options?: WriteOptions): Promise<Note> {
    const noteId = parseInput(NoteIdSchema, id, 'id');
    const payload = definedFields(parseInput(NoteFieldsSchema, fields, 'fields'));
    const o = parseInput(WriteOptionsSchema, options ?? {}, 'options');
    const store = await this.store();
    const current = existing(store, noteId);
    const deletedElsewhere = isDeleted(current) && stampClientId(current.deletedStamp ?? '') !== store.clientId;
    if (isDeleted(current) && !deletedElsewhere) throw new NotFoundError('This note was deleted.');
    const textEdits: Record<string, { from: string; to: string }> = {};
    for (const [field, from] of Object.entries(o.editedFrom ?? {})) {
      const to = payload[field];
      if (from === undefined || to === undefined) continue;
      delete payload[field];
      if (from !== to) textEdits[field] = { from, to };
    }
    let written: LocalResult | undefined;
    if (Object.keys(payload).length > 0 || Object.keys(textEdits).length > 0) {
      // An edit of a note deleted on another device is still written: merge keeps it out of the
      // note (delete wins) and records it as a conflict, so the text the user typed is not lost.
      const r = await this.write(() =>
        store.applyLocal({ collection: COLLECTION, entityId: noteId, type: 'update', payload, textEdits, base: definedBase(o), actionId: o.actionId }),
      );
      if (!r.duplicate) this.localWriteDone([noteId]);
      written = r;
    }
    const note = written ? answerOf(store, noteId, written) : getNote(store.db, noteId);
    if (!note) {
      throw new NotFoundError(
        deletedElsewhere && (Object.keys(payload).length > 0 || Object.keys(textEdits).length > 0)
          ? 'This note was deleted on another device. Your change is kept under Conflicts.'
          : 'This note was deleted.',
      );
    }
    return note;
  }

  async deleteNote(id: string, options?: WriteOptions): Promise<void> {
    const noteId = parseInput(NoteIdSchema, id, 'id');
    const o = parseInput(WriteOptionsSchema, options ?? {}, 'options');
    const store = await this.store();
    const current = existing(store, noteId);
    if (isDeleted(current)) return;
    const r = await this.write(() => store.applyLocal({ collection: COLLECTION, entityId: noteId, type: 'delete', actionId: o.actionId }));
    if (!r.duplicate) this.localWriteDone([noteId]);
  }

  async subscribe(listener: (event: ChangeEvent) => void): Promise<number> {
    if (typeof listener !== 'function') throw new ValidationError('listener: must be a function (wrap it in Comlink.proxy)');
    return this.changes.subscribe(listener);
  }

  async unsubscribe(id: number): Promise<void> {
    this.changes.unsubscribe(parseInput(SubscriptionIdSchema, id, 'id'));
  }

  /** Applies a pulled page (see Store.applyRemote) and tells every subscriber what changed. */
  async applyRemote(actions: readonly RemoteAction[], options?: RemoteOptions): Promise<RemoteResult> {
    const store = await this.store();
    const r = await this.write(() => store.applyRemote(actions, options));
    this.changes.publish(r.changedIds);
    return r;
  }

  /** Calls `listener` after every committed local change; `upload` is false when no action was written
   *  (e.g. a dismissed conflict), so sync only refreshes its status. */
  onLocalWrite(listener: (upload: boolean) => void): () => void {
    return this.announcer.onLocalWrite(listener);
  }

  /** After a committed local write: the pages and sync hear of it once its caller has its answer (writeAnnouncer.ts). */
  localWriteDone(entityIds: readonly string[], upload = true): void {
    this.announcer.written(entityIds, upload);
  }

  private opened(): Promise<Opened> {
    if (!this.opening) {
      const attempt = this.openOnce();
      this.opening = attempt;
      // A failed or locked open may succeed later (the other tab closes): let the next call retry.
      attempt.then(
        (o) => {
          if (!o.store && this.opening === attempt) this.opening = undefined;
        },
        () => {
          if (this.opening === attempt) this.opening = undefined;
        },
      );
    }
    return this.opening;
  }

  private async openOnce(): Promise<Opened> {
    const outcome = await this.env.openDatabase();
    if (outcome.state === 'locked') return { result: { state: 'locked', storage: 'opfs', clientId: '' } };
    const store = Store.open(outcome.db, this.env);
    if (this.env.timers) indexSoonAfterWrites(store.db, this.env.timers, (l) => onCommit(store.db, l));
    const result: OpenResult = {
      state: 'ready',
      storage: outcome.storage,
      clientId: store.clientId,
      ...(outcome.warning === undefined ? {} : { warning: outcome.warning }),
    };
    return { result, store };
  }

  /** Runs one store write; storage failures become errors a user can act on. */
  async write<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (e) {
      throw await writeError(e, this.env.storageNearlyFull);
    }
  }
}

/**
 * What a write answers: the note as it now stands, from the state the write saved (no read after
 * it); read from the table for a retried call, whose write happened before.
 */
function answerOf(store: Store, id: string, r: LocalResult): Note | null {
  if (!r.duplicate && r.state) return noteOfState(r.state, true);
  return getNote(store.db, id);
}

/** The entity behind a note id the page holds, or NotFoundError if there never was such a note. */
function existing(store: Store, id: string): EntityState {
  const e = store.entity(COLLECTION, id);
  if (!e || e.createdStamp === null || e.purgedStamp !== null) throw new NotFoundError('There is no such note.');
  return e;
}
