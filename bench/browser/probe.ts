// Injected into every page of the real app before its scripts run (Playwright addInitScript), so the
// bench can time the app from inside the page, as a user would see it:
// - it keeps a handle on the app's notes worker and speaks the public NotesApi to it over Comlink
//   (a second Comlink client on the same worker: replies are matched by message id);
// - it asks the app for its own write path (src/ui/browser/benchHook.ts): write to visible is timed
//   through the page's optimistic create, as New note runs it, not through the worker API;
// - it watches the DOM with MutationObservers: when the "Notes" list first shows an item, and when
//   a given title appears in it.
// Times are performance.now() of the page (navigation start is 0), or absolute (timeOrigin + now)
// where two pages are compared.

import * as Comlink from 'comlink';
import type { NotesApi, SyncStatus } from '../../src/worker/api';
import type { BenchWrites } from '../../src/ui/browser/benchHook';

export interface WriteLoopOptions {
  readonly warmup: number;
  readonly reps: number;
  readonly bodyChars: number;
  /** The page waits this long before each round trip (its list's own refresh ends first). */
  readonly pauseMs: number;
}

export interface WriteLoopSamples {
  /** createNote of the worker API from the page, through Comlink, to the committed write and back. */
  readonly roundTripMs: number[];
  /**
   * The page's own create (the store's optimistic write, as New note runs it) until the "Notes"
   * list in the DOM shows the new title; each is confirmed by the worker before the next.
   */
  readonly visibleMs: number[];
  /** getNote of that note from the page, through Comlink and back: the call path without a write. */
  readonly readRoundTripMs: number[];
  /**
   * A bare message to a worker of the probe's own that only answers it, and back, after the same
   * idle pause: what the browser charges any call to a worker before any code of ours runs.
   */
  readonly pingMs: number[];
}

export interface Probe {
  /** performance.now() when the "Notes" list first had an item; null until then. */
  firstListRender: number | null;
  firstListItems: number;
  writeLoop(o: WriteLoopOptions): Promise<WriteLoopSamples>;
  /** Starts watching the list for `title` (call before the write on the other device). */
  watch(title: string): void;
  /** Absolute time at which a watched title was listed. */
  seen(title: string): Promise<number>;
  /** Creates a note; resolves to the absolute time of the call. */
  createNoteAt(title: string): Promise<number>;
  /** Creates a note; resolves to its id. */
  createNote(title: string, body: string): Promise<string>;
  /** Signs in and waits for the first complete sync; ms from the call, and the notes then listed. */
  signInAndSync(username: string, password: string): Promise<{ ms: number; notes: number }>;
  /**
   * Signs in; ms from the call until the device has synced the whole account (nothing left to pull
   * or push) and the "Notes" list in the DOM counts `notes` notes, whichever comes last.
   */
  signInUntilShown(username: string, password: string, notes: number): Promise<number>;
  /** Resolves once the device is signed in, synced, and has nothing left to push. */
  untilSynced(): Promise<void>;
  /** ms until the device is synced with its history compacted too (no snapshot left to make or push). */
  untilCompacted(): Promise<number>;
  listCount(): Promise<number>;
}

declare global {
  interface Window {
    __notesBench?: Probe;
  }
}

const LIST = 'ul[aria-label="Notes"]';
/** "No notes yet", beside the list (NoteList.tsx). */
const EMPTY_LIST = '.list-empty';
const TIMEOUT_MS = 60_000;

// The app hands over its own write path when it starts, because this function is here (benchHook.ts).
const appWrites = new Promise<BenchWrites>((resolve) => {
  window.__notesBenchAttach = resolve;
});

const notesWorkers: Worker[] = [];
const NativeWorker = window.Worker;
window.Worker = class RecordingWorker extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    if (options?.name === 'notes') notesWorkers.push(this);
  }
};

// Held while their worker lives: a collected Comlink proxy releases the worker's endpoint. The page
// may end its worker and start another (freeze, bfcache): the newest one is the one that answers.
const remotes = new Map<Worker, Comlink.Remote<NotesApi>>();
/** A worker that answers every message with the same message (a blob: URL, same origin, so COEP allows it). */
function echoWorker(): { ping(): Promise<void>; close(): void } {
  const url = URL.createObjectURL(new Blob(['onmessage = (e) => postMessage(e.data);'], { type: 'text/javascript' }));
  const w = new NativeWorker(url);
  return {
    ping: () =>
      new Promise<void>((resolve) => {
        w.onmessage = () => resolve();
        w.postMessage(1);
      }),
    close: () => {
      w.terminate();
      URL.revokeObjectURL(url);
    },
  };
}

function api(): Comlink.Remote<NotesApi> {
  const worker = notesWorkers[notesWorkers.length - 1];
  if (!worker) throw new Error('the app has not started its notes worker');
  let remote = remotes.get(worker);
  if (!remote) {
    remote = Comlink.wrap<NotesApi>(worker);
    remotes.set(worker, remote);
  }
  return remote;
}

function mentions(records: readonly MutationRecord[], title: string): boolean {
  for (const r of records) {
    if (r.type === 'characterData' && r.target.textContent?.includes(title)) return true;
    for (const n of r.addedNodes) if (n.textContent?.includes(title)) return true;
  }
  return false;
}

/**
 * Resolves with performance.now() at the first change of the list after which `done` holds, or
 * rejects after `timeoutMs` with the words `late` gives.
 */
function watchList(
  options: MutationObserverInit,
  done: (list: Element, records: readonly MutationRecord[]) => boolean,
  timeoutMs: number,
  late: (list: Element) => string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const list = document.querySelector(LIST);
    if (!list) return reject(new Error('the Notes list is not on the page'));
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(late(list)));
    }, timeoutMs);
    const observer = new MutationObserver((records) => {
      if (!done(list, records)) return;
      const at = performance.now();
      observer.disconnect();
      clearTimeout(timer);
      resolve(at);
    });
    observer.observe(list, { childList: true, subtree: true, ...options });
  });
}

/** Resolves with performance.now() when the list shows `title`. */
function whenListed(title: string): Promise<number> {
  return watchList({ characterData: true }, (_, records) => mentions(records, title), TIMEOUT_MS, () => `"${title}" was not listed within ${TIMEOUT_MS} ms`);
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const watched = new Map<string, Promise<number>>();
// A whole-history pull of 200,000 actions on a busy machine takes minutes: generous, but bounded.
const LONG_MS = 30 * TIMEOUT_MS;

/**
 * Subscribes to the sync status; the function it answers waits until the device is signed in,
 * synced and has nothing pending (performance.now() then), or throws on a sync error.
 */
async function whenSynced(compacted = false): Promise<() => Promise<number>> {
  const a = api();
  let settleSync: (v: number | Error) => void = () => {};
  const synced = new Promise<number | Error>((r) => (settleSync = r));
  const onStatus = (s: SyncStatus): void => {
    if (!s.account) return;
    if (s.state === 'synced' && s.pendingCount === 0 && !(compacted && s.compacting === true)) settleSync(performance.now());
    else if (s.state === 'error') settleSync(new Error(`sync failed: ${s.error ?? 'unknown'}`));
  };
  const id = await a.subscribeStatus(Comlink.proxy(onStatus));
  return async () => {
    const timeout = settle(LONG_MS).then(() => new Error(`no complete sync within ${LONG_MS / 60_000} minutes`));
    const end = await Promise.race([synced, timeout]);
    await a.unsubscribe(id);
    if (end instanceof Error) throw end;
    return end;
  };
}

/** How many notes the list says it holds: a windowed list's rows carry the whole count. */
function listedCount(list: Element): number {
  const row = list.firstElementChild;
  if (!row) return 0;
  const setSize = Number(row.getAttribute('aria-setsize'));
  return setSize > 0 ? setSize : list.childElementCount;
}

/** Resolves with performance.now() once the list counts at least `notes` notes. */
function whenListCounts(notes: number): Promise<number> {
  return watchList(
    { attributes: true, attributeFilter: ['aria-setsize'] },
    (list) => listedCount(list) >= notes,
    LONG_MS,
    (list) => `the list did not reach ${notes} notes within ${LONG_MS / 60_000} minutes (it has ${listedCount(list)})`,
  );
}

const probe: Probe = {
  firstListRender: null,
  firstListItems: 0,

  async writeLoop(o) {
    const a = api();
    const writes = await appWrites;
    const roundTripMs: number[] = [];
    const visibleMs: number[] = [];
    const readRoundTripMs: number[] = [];
    const pingMs: number[] = [];
    const echo = echoWorker();
    const body = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(o.bodyChars / 27)).slice(0, o.bodyChars);
    for (let i = 0; i < o.warmup + o.reps; i++) {
      const tag = `${i} ${Math.random().toString(36).slice(2, 10)}`;
      // Write to visible: the page's own write, until the list shows it.
      const title = `bench ${tag}`;
      const visible = whenListed(title);
      const t0 = performance.now();
      const written = writes.createNote(title, body);
      const t1 = await visible;
      await written;
      await settle(o.pauseMs);
      // The round trip: the worker API's write through Comlink, nothing of the page's state.
      const t2 = performance.now();
      const note = await a.createNote({ title: `round trip ${tag}`, body });
      const t3 = performance.now();
      // Let the list's own refresh finish before the next call.
      await settle(5);
      const t4 = performance.now();
      await a.getNote(note.id);
      const t5 = performance.now();
      await settle(o.pauseMs);
      const t6 = performance.now();
      await echo.ping();
      const t7 = performance.now();
      if (i >= o.warmup) {
        visibleMs.push(t1 - t0);
        roundTripMs.push(t3 - t2);
        readRoundTripMs.push(t5 - t4);
        pingMs.push(t7 - t6);
      }
      await settle(5);
    }
    echo.close();
    return { roundTripMs, visibleMs, readRoundTripMs, pingMs };
  },

  watch(title) {
    const p = whenListed(title).then((t) => performance.timeOrigin + t);
    p.catch(() => undefined);
    watched.set(title, p);
  },

  seen(title) {
    const p = watched.get(title);
    if (!p) return Promise.reject(new Error(`not watching "${title}"`));
    watched.delete(title);
    return p;
  },

  async createNoteAt(title) {
    const at = performance.timeOrigin + performance.now();
    await api().createNote({ title, body: 'propagation probe' });
    return at;
  },

  async createNote(title, body) {
    return (await api().createNote({ title, body })).id;
  },

  async signInAndSync(username, password) {
    const synced = await whenSynced();
    const t0 = performance.now();
    await api().signIn(username, password);
    const end = await synced();
    return { ms: end - t0, notes: (await api().listNotes()).length };
  },

  async signInUntilShown(username, password, notes) {
    const listed = whenListCounts(notes);
    const synced = await whenSynced();
    const t0 = performance.now();
    await api().signIn(username, password);
    const [listedAt, syncedAt] = await Promise.all([listed, synced()]);
    return Math.max(listedAt, syncedAt) - t0;
  },

  async untilSynced() {
    await (await whenSynced())();
  },

  async untilCompacted() {
    const t0 = performance.now();
    return (await (await whenSynced(true))()) - t0;
  },

  async listCount() {
    return (await api().listNotes()).length;
  },
};
window.__notesBench = probe;

// The list's first render with its content known: its first rows, or (a device with no notes) its
// empty state, which the app shows only once the list has been read. Cold start and reload end here.
const firstRender = new MutationObserver(() => {
  const list = document.querySelector(LIST);
  if (!list) return;
  if (list.firstElementChild) {
    probe.firstListItems = listedCount(list);
  } else if (list.parentElement?.querySelector(EMPTY_LIST)) {
    probe.firstListItems = 0;
  } else return;
  probe.firstListRender = performance.now();
  firstRender.disconnect();
});
firstRender.observe(document, { childList: true, subtree: true });
