// Simulated devices for sync tests: each one is the real worker code (Store, NotesService,
// ConflictService, the SyncStore of syncStore.ts) on its own in-memory sqlite-wasm database, with
// its own skewed clock, talking to the real server app in-process (src/server/testing.ts) through
// the real HTTP transport, whose fetch can be made to fail in the ways networks do.

import { createTestServer, type TestServer } from '../../src/server/testing';
import { mergeAll, type EntityState } from '../../src/sync/merge';
import type { SequencedAction } from '../../src/sync/action';
import { runSyncCycle, type CycleResult, type SyncCycleOptions, type SyncStore } from '../../src/sync/cycle/syncCycle';
import { httpTransport, type FetchLike, type Transport } from '../../src/sync/cycle/transport';
import { ConflictService } from '../../src/worker/notes/conflictService';
import { NotesService } from '../../src/worker/notes/notesService';
import type { Db } from '../../src/worker/db/sql';
import type { Store } from '../../src/worker/store/store';
import { workerSyncStore } from '../../src/worker/sync/syncStore';
import { idMaker, loadSqlite, memoryDb } from './helpers';

export const T0 = Date.UTC(2026, 0, 1);

export type Fault = 'ok' | 'dropRequest' | 'dropResponse' | 'duplicate' | 'error500' | 'error500AfterCommit';
export const faults: readonly Fault[] = ['ok', 'dropRequest', 'dropResponse', 'duplicate', 'error500', 'error500AfterCommit'];

function serverError(): Response {
  return new Response(JSON.stringify({ error: { code: 'internal', message: 'injected failure' } }), {
    status: 500,
    headers: { 'content-type': 'application/json' },
  });
}

/** A fetch to the in-process server that fails as `next()` says, request by request. */
export function faultyFetch(server: TestServer, next: () => Fault): FetchLike {
  return async (input, init) => {
    const send = () => server.fetch(input, init);
    switch (next()) {
      case 'ok':
        return send();
      case 'dropRequest':
        throw new TypeError('fetch failed: the request was dropped');
      case 'dropResponse':
        await send();
        throw new TypeError('fetch failed: the response was dropped after the server committed');
      case 'duplicate':
        await send();
        return send();
      case 'error500':
        return serverError();
      case 'error500AfterCommit':
        await send();
        return serverError();
    }
  };
}

export interface SimClient {
  readonly name: string;
  readonly notes: NotesService;
  readonly conflicts: ConflictService;
  readonly store: Store;
  readonly db: Db;
  readonly sync: SyncStore;
  /** The faults the next requests meet, in order; 'ok' once used up. */
  faults: Fault[];
  /** Moves this device's clock (ms relative to the server's). */
  skewMs: number;
  /** Entities the pages would have been told about (the change events of pulls). */
  readonly changed: string[];
  cycle(options?: SyncCycleOptions): Promise<CycleResult>;
  readonly transport: Transport;
}

export interface SimWorld {
  readonly server: TestServer;
  readonly token: string;
  client(name: string, skewMs?: number, db?: Db): Promise<SimClient>;
  /** Every action in the server's log for the account, in seq order. */
  serverLog(): Promise<SequencedAction[]>;
  /** The account's head on the server. */
  head(): Promise<number>;
  close(): Promise<void>;
}

export interface SimWorldOptions {
  /** Devices snapshot an entity after this many actions (compaction.ts); default the app's. */
  readonly snapshotEvery?: number;
  /** Actions pulled that make a cycle a catch-up (compaction.ts CATCH_UP_ACTIONS); default the app's. */
  readonly catchUpActions?: number;
  /** The server's RETENTION_DAYS, in ms (0: covered rows deleted at once). */
  readonly retentionMs?: number;
  /** Most snapshots one compaction makes (compaction.ts COMPACTION_SLICE); default the app's. */
  readonly compactionSlice?: number;
}

export async function simWorld(options: SimWorldOptions = {}): Promise<SimWorld> {
  const server = await createTestServer(options.retentionMs === undefined ? {} : { config: { retentionMs: options.retentionMs } });
  server.clock.set(T0);
  const { token } = await server.register();
  const clean = httpTransport({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });
  let made = 0;
  const opened: Db[] = [];
  return {
    server,
    token,
    async client(name, skewMs = 0, existing) {
      const db = existing ?? (await memoryDb());
      opened.push(db);
      const prefix = (++made).toString(16).padStart(2, '0') + 'c1e000';
      const c = { skewMs, faults: [] as Fault[] } as SimClient;
      const notes = new NotesService({
        openDatabase: async () => ({ state: 'ready', db, storage: 'memory' }),
        now: () => server.clock.now() + c.skewMs,
        newId: idMaker(prefix),
      });
      await notes.open();
      const store = await notes.store();
      const changed: string[] = [];
      const transport = httpTransport({
        baseUrl: server.baseUrl,
        fetch: faultyFetch(server, () => c.faults.shift() ?? 'ok'),
        token: () => token,
      });
      Object.assign(c, {
        name,
        notes,
        conflicts: new ConflictService(notes),
        store,
        db,
        sync: workerSyncStore(store, (ids) => changed.push(...ids), {
          ...(options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery }),
          ...(options.catchUpActions === undefined ? {} : { catchUpActions: options.catchUpActions }),
          ...(options.compactionSlice === undefined ? {} : { compactionSlice: options.compactionSlice }),
        }),
        changed,
        transport,
        cycle: (options?: SyncCycleOptions) => runSyncCycle(store.clientId, c.sync, transport, options),
      });
      return c;
    },
    head: async () => (await clean.pull(0, 1)).head,
    async serverLog() {
      const out: SequencedAction[] = [];
      for (let cursor = 0; ; ) {
        const page = await clean.pull(cursor, 1_000);
        out.push(...page.actions);
        cursor = page.cursor;
        if (!page.hasMore) return out;
      }
    },
    // Each run's in-memory databases are closed with it: thousands of runs (MODEL_RUNS) would
    // otherwise exhaust sqlite-wasm's heap (SQLITE_NOMEM).
    close: async () => {
      for (const db of opened.splice(0)) if (db.isOpen()) db.close();
      await server.close();
    },
  };
}

/** The state every device must reach: a replay of the server's log from empty. */
export function replayServerLog(log: readonly SequencedAction[]): Map<string, EntityState> {
  const states = new Map<string, EntityState>();
  mergeAll(
    states,
    log.map(({ seq: _seq, ...a }) => a),
  );
  return states;
}

/** The committed bytes of a database, as a crash would leave them on disk. */
export async function snapshot(db: Db): Promise<Uint8Array> {
  const sqlite3 = await loadSqlite();
  return sqlite3.capi.sqlite3_js_db_export(db);
}

/** A database opened from bytes (the device starting again after a crash). */
export async function reopen(bytes: Uint8Array): Promise<Db> {
  const sqlite3 = await loadSqlite();
  const db = new sqlite3.oo1.DB(':memory:', 'c');
  const p = sqlite3.wasm.allocFromTypedArray(bytes);
  const { capi } = sqlite3;
  const rc = capi.sqlite3_deserialize(
    db,
    'main',
    p,
    bytes.byteLength,
    bytes.byteLength,
    capi.SQLITE_DESERIALIZE_FREEONCLOSE | capi.SQLITE_DESERIALIZE_RESIZEABLE,
  );
  db.checkRc(rc);
  return db;
}

export { manualTimers } from '../sync/manualTimers';
