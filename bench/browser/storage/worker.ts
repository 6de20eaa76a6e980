// The storage bench worker: times the app's own storage code inside a worker, on the same VFS
// (opfs-sahpool) and connection settings as the app (Store.open applies the app's pragmas and
// migrations). Writes go through Store.applyLocal/applyRemote and reads through the NotesService
// that backs the public NotesApi; the bare INSERT beside them is the limit of the stack.

import * as Comlink from 'comlink';
import { uuidv7 } from 'uuidv7';
import type { Action } from '../../../src/sync/action';
import { formatHlc } from '../../../src/sync/hlc';
import { NotesService } from '../../../src/worker/notes/notesService';
import { DB_FILE, loadSqlite, POOL_CAPACITY, POOL_DIRECTORY } from '../../../src/worker/db/openDatabase';
import type { Db } from '../../../src/worker/db/sql';
import { Store } from '../../../src/worker/store/store';
import { ActionStream, text } from '../../lib/synthetic';
import type { CommitIo, MergeOptions, MergeSamples, ReadOptions, StorageBench, TextMergeOptions, TextMergeSamples, WriteOptions } from './contract';
import { makeEdit } from '../../../src/sync/text/yjsText';
import { bindFast } from '../../../src/worker/db/fastBind';
import { fileIoStats, type FileIoStats } from '../../../src/worker/db/writeBehind';
import { notesDigest, seedReconcile } from './seedDesign';

type Pool = Awaited<ReturnType<Awaited<ReturnType<typeof loadSqlite>>['installOpfsSAHPoolVfs']>>;

const deps = { now: () => Date.now(), newId: uuidv7 };
let benchPool: Promise<Pool> | undefined;

/** The bench's own pool, apart from the app's, emptied when the worker starts. */
/** Opens a fresh copy of `image` as `workFile`, times `apply` on its store, and reads `after` before closing it. */
async function timeOnCopy<T>(p: Pool, workFile: string, image: Uint8Array, apply: (store: Store) => void, after: (db: Db) => T): Promise<{ ms: number; after: T }> {
  p.unlink(workFile);
  await p.importDb(workFile, image);
  const db = new p.OpfsSAHPoolDb(workFile);
  try {
    const store = Store.open(db, deps);
    const t0 = performance.now();
    apply(store);
    const ms = performance.now() - t0;
    return { ms, after: after(db) };
  } finally {
    db.close();
  }
}

function pool(): Promise<Pool> {
  benchPool ??= loadSqlite().then((sqlite3) =>
    sqlite3.installOpfsSAHPoolVfs({ name: 'bench-sahpool', directory: '/bench-pool', initialCapacity: 12, clearOnInit: true }),
  );
  return benchPool;
}

async function freshDb(file: string): Promise<Db> {
  const p = await pool();
  p.unlink(file);
  return new p.OpfsSAHPoolDb(file);
}

function serviceOver(db: Db): NotesService {
  return new NotesService({ ...deps, openDatabase: async () => ({ state: 'ready', db, storage: 'opfs' }) });
}

/** Pulled pages of `size` actions, as applyRemote receives them. */
function applyInPages(store: Store, actions: readonly Action[], size = 1_000): void {
  for (let i = 0; i < actions.length; i += size) store.applyRemote(actions.slice(i, i + size));
}

/** What reached the access handles since `before` (the counters only grow). */
function ioSince(before: FileIoStats): FileIoStats {
  const now = fileIoStats();
  return { writes: now.writes - before.writes, bytes: now.bytes - before.bytes, flushes: now.flushes - before.flushes, flushMs: now.flushMs - before.flushMs };
}

function addIo(to: CommitIo, io: FileIoStats): void {
  to.bytes.push(io.bytes);
  to.writes.push(io.writes);
  to.flushMs.push(io.flushMs);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function timerResolutionUs(): number {
  let best = Infinity;
  for (let i = 0; i < 200; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    best = Math.min(best, b - a);
  }
  return Math.round(best * 1000 * 10) / 10;
}

const bench: StorageBench = {
  async environment() {
    const sqlite3 = await loadSqlite();
    return { crossOriginIsolated: self.crossOriginIsolated, timerResolutionUs: timerResolutionUs(), sqliteVersion: sqlite3.version.libVersion };
  },

  async writes(o: WriteOptions) {
    const db = await freshDb('/writes.sqlite3');
    const store = await serviceOver(db).store();
    db.exec('CREATE TABLE bench_bare (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO bench_bare (id, data) VALUES (?, ?)');
    const journal = String(db.selectValue('PRAGMA journal_mode'));
    const synchronous = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(db.selectValue('PRAGMA synchronous'))] ?? 'unknown';
    const pageSize = Number(db.selectValue('PRAGMA page_size'));
    const rnd = Math.random;
    const writeIo: CommitIo = { bytes: [], writes: [], flushMs: [] };
    const bareIo: CommitIo = { bytes: [], writes: [], flushMs: [] };
    let bytes = 0;
    let made = 0;
    /** One write and one bare INSERT of the same bytes, in alternating order; `pauseMs` idle before each. */
    const pair = async (pauseMs: number): Promise<{ write: number; bare: number; writeIo: FileIoStats; bareIo: FileIoStats }> => {
      const i = made++;
      const entityId = uuidv7();
      const payload = { title: `Note ${i}`, body: text(o.bodyChars, rnd) };
      // The bare row holds the bytes of the action the write appends (same fields, same lengths).
      const hlc = formatHlc({ ms: Date.now(), counter: 0, node: store.clientId });
      const data = JSON.stringify({ id: uuidv7(), collection: 'notes', entityId, type: 'create', payload, hlc, clientId: store.clientId });
      const rowId = uuidv7();
      bytes = data.length;
      let write = 0;
      let bare = 0;
      let writeIoOf: FileIoStats | undefined;
      let bareIoOf: FileIoStats | undefined;
      const timeWrite = async (): Promise<void> => {
        if (pauseMs > 0) await sleep(pauseMs);
        const io = fileIoStats();
        const t0 = performance.now();
        store.applyLocal({ collection: 'notes', entityId, type: 'create', payload });
        write = performance.now() - t0;
        writeIoOf = ioSince(io);
      };
      const timeBare = async (): Promise<void> => {
        if (pauseMs > 0) await sleep(pauseMs);
        const io = fileIoStats();
        const t0 = performance.now();
        // Bound the way the app binds (fastBind.ts), so the two differ only in what they write.
        if (!bindFast(insert, [rowId, data])) insert.bind([rowId, data]);
        insert.stepReset();
        bare = performance.now() - t0;
        bareIoOf = ioSince(io);
      };
      // Alternate the order so neither figure always runs on a warmer cache.
      if (i % 2 === 0) {
        await timeWrite();
        await timeBare();
      } else {
        await timeBare();
        await timeWrite();
      }
      return { write, bare, writeIo: writeIoOf!, bareIo: bareIoOf! };
    };
    const writeMs: number[] = [];
    const bareMs: number[] = [];
    const pausedWriteMs: number[] = [];
    const pausedBareMs: number[] = [];
    try {
      for (let i = 0; i < o.warmup + o.reps; i++) {
        const r = await pair(0);
        if (i < o.warmup) continue;
        writeMs.push(r.write);
        bareMs.push(r.bare);
        addIo(writeIo, r.writeIo);
        addIo(bareIo, r.bareIo);
      }
      for (let i = 0; i < o.pausedReps; i++) {
        const r = await pair(o.pauseMs);
        pausedWriteMs.push(r.write);
        pausedBareMs.push(r.bare);
      }
    } finally {
      insert.finalize();
      db.close();
    }
    return { writeMs, bareMs, pausedWriteMs, pausedBareMs, bytesPerRow: bytes, writeIo, bareIo, pageSize, settings: `journal_mode ${journal}, synchronous ${synchronous}` };
  },

  async reads(o: ReadOptions) {
    const db = await freshDb('/reads.sqlite3');
    const service = serviceOver(db);
    const store = await service.store();
    const stream = new ActionStream({ clients: 3, createShare: 1, total: o.notes, seed: 7 });
    const actions = stream.next(o.notes);
    applyInPages(store, actions);
    const ids = actions.map((a) => a.entityId);
    const pointReadMs: number[] = [];
    const listMs: number[] = [];
    let listed = 0;
    try {
      for (let i = 0; i < o.pointReads + 50; i++) {
        const id = ids[Math.floor(Math.random() * ids.length)]!;
        const t0 = performance.now();
        const note = await service.getNote(id);
        const dt = performance.now() - t0;
        if (!note) throw new Error(`point read found no note ${id}`);
        if (i >= 50) pointReadMs.push(dt);
      }
      for (let i = 0; i < o.listReps + 2; i++) {
        const t0 = performance.now();
        const list = await service.listNotes();
        const dt = performance.now() - t0;
        listed = list.length;
        if (i >= 2) listMs.push(dt);
      }
    } finally {
      db.close();
    }
    return { pointReadMs, listMs, listed };
  },

  async merge(o: MergeOptions): Promise<MergeSamples> {
    const p = await pool();
    const historyFile = `/history-${o.history}.sqlite3`;
    const workFile = '/merge-work.sqlite3';
    // The history: other devices' notes, created and then edited (a few deleted), already merged.
    // Body changes are mostly text edits (Yjs updates on the current base), as the app's editor
    // saves them; a fifth are replaces (imports, older apps). So the page is ~44% text edits.
    const stream = new ActionStream({ clients: 4, createShare: 0.2, deleteShare: 0.01, total: o.history + o.batch, seed: o.history, textEditShare: 0.8 });
    const built = await freshDb(historyFile);
    const notes = (() => {
      try {
        applyInPages(Store.open(built, deps), stream.next(o.history));
        return stream.liveNotes;
      } finally {
        built.close();
      }
    })();
    const image = p.exportFile(historyFile);
    p.unlink(historyFile);
    // The pulled batch: new notes and edits of existing ones, from the same devices.
    const batch = stream.next(o.batch);
    const textEdits = batch.filter((a) => a.edits !== undefined).length;

    const run = (apply: (store: Store) => void) => timeOnCopy(p, workFile, image, apply, notesDigest);
    const ours = (store: Store): void => void store.applyRemote(batch);
    const seed = (store: Store): void => seedReconcile(store.db, batch);

    await run(ours); // warm-up
    const oursMs: number[] = [];
    const seedMs: number[] = [];
    let oursDigest = '';
    let seedDigest = '';
    for (let i = 0; i < o.oursReps; i++) {
      const r = await run(ours);
      oursMs.push(r.ms);
      oursDigest = r.after;
    }
    for (let i = 0; i < o.seedReps; i++) {
      const r = await run(seed);
      seedMs.push(r.ms);
      seedDigest = r.after;
    }
    p.unlink(workFile);
    return { history: o.history, batch: o.batch, oursMs, seedMs, agree: oursDigest === seedDigest, notes, textEdits };
  },

  async mergeText(o: TextMergeOptions): Promise<TextMergeSamples> {
    const p = await pool();
    const historyFile = '/text-history.sqlite3';
    const workFile = '/text-work.sqlite3';
    const rnd = ((seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31))(7);
    const writer = uuidv7();
    const editor = uuidv7();
    const creates: Action[] = [];
    for (let i = 0; i < o.notes; i++) {
      creates.push({ id: uuidv7(), collection: 'notes', entityId: uuidv7(), type: 'create', payload: { title: `Note ${i}`, body: text(1_000, rnd) }, hlc: formatHlc({ ms: 1_750_000_000_000 + i, counter: 0, node: writer }), clientId: writer });
    }
    // Each edit a word typed at a random place of a note's body, on the base its create made.
    const batch: Action[] = [];
    for (let i = 0; i < o.batch; i++) {
      const c = creates[Math.floor(rnd() * creates.length)]!;
      const body = c.payload.body!;
      const base = `${c.hlc}|${c.id}`;
      const at = Math.floor(rnd() * body.length);
      const update = makeEdit({ key: `${i}`, baseStamp: base, baseText: body, doc: null }, [{ index: at, deleteCount: 0, insert: ' word' }]).update;
      batch.push({ id: uuidv7(), collection: 'notes', entityId: c.entityId, type: 'update', payload: {}, edits: { body: { base, update } }, hlc: formatHlc({ ms: 1_760_000_000_000 + i, counter: 0, node: editor }), clientId: editor });
    }
    const built = await freshDb(historyFile);
    try {
      const store = Store.open(built, deps);
      for (let i = 0; i < creates.length; i += 1_000) store.applyRemote(creates.slice(i, i + 1_000));
    } finally {
      built.close();
    }
    const image = p.exportFile(historyFile);
    p.unlink(historyFile);
    const ms: number[] = [];
    for (let rep = 0; rep <= o.reps; rep++) {
      const r = await timeOnCopy(p, workFile, image, (store) => void store.applyRemote(batch), () => undefined);
      if (rep > 0) ms.push(r.ms); // the first is a warm-up
    }
    p.unlink(workFile);
    return { ms, notes: o.notes, batch: o.batch };
  },

  async seedApp(notes: number) {
    const sqlite3 = await loadSqlite();
    const appPool = await sqlite3.installOpfsSAHPoolVfs({ directory: POOL_DIRECTORY, initialCapacity: POOL_CAPACITY });
    const db = new appPool.OpfsSAHPoolDb(DB_FILE);
    try {
      const stream = new ActionStream({ clients: 2, createShare: 1, total: notes, seed: 11 });
      applyInPages(Store.open(db, deps), stream.next(notes));
    } finally {
      db.close();
      // Let go of the pool's files, so the app's worker can open them next.
      appPool.pauseVfs();
    }
    return { notes };
  },
};

Comlink.expose(bench);
