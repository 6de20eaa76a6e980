// The dedicated module worker of one tab. It serves the NotesApi (api.ts) to its page over Comlink,
// whichever role it has among the tabs (tabNode.ts): the leader holds the owner lock, opens SQLite on
// OPFS and syncs with the same-origin server; a follower forwards every call to the leader. The page
// creates it with
//   new Worker(new URL('./main.ts', import.meta.url), { type: 'module' })
// and wraps it with Comlink.wrap<NotesApi>(worker).

import * as Comlink from 'comlink';
import { uuidv7 } from 'uuidv7';
import { authClient } from './sync/authClient';
import { openHeadStream } from './sync/liveEvents';
import { ConflictService } from './notes/conflictService';
import type { LeaderServices } from './tabs/leader';
import { NotesService } from './notes/notesService';
import { openBrowserDatabase } from './db/openDatabase';
import { platformLocks } from './tabs/ownership';
import { storageNearlyFull } from './db/storageQuota';
import { SyncService } from './sync/syncService';
import { TAB_CHANNEL, TabChannel } from './tabs/tabChannel';
import { TabNode } from './tabs/tabNode';
import { notesApiOf } from './workerApi';

const timers = {
  set: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const UPLOAD_DEBOUNCE_MS = 30;
/**
 * How long after a write's reply its change event goes out (NotesService.localWriteDone). Sent at
 * once (a 0 ms timer), the event reached the page beside the reply, on another port, and every page
 * reacts to one with reads of its own (list, conflicts, open note): the reply then took 0.3-0.45 ms
 * to reach the waiting call instead of 0.1-0.15 (headless Chromium, 2 cores, the app after 5 ms
 * idle). Two milliseconds is nothing to the other tabs and to sync (its upload waits 30 ms anyway),
 * and writes answered within it are announced as one change.
 */
const ANNOUNCE_AFTER_MS = 2;

/** Made only in the worker that owns the database: the notes, sync and conflicts over it. */
async function openLeader(): Promise<LeaderServices> {
  const notes = new NotesService({
    openDatabase: () => openBrowserDatabase(),
    now: () => Date.now(),
    newId: uuidv7,
    storageNearlyFull,
    timers,
    // The page has its answer before the others hear of the write (it shows it already, optimistically).
    afterReply: (announce) => void setTimeout(announce, ANNOUNCE_AFTER_MS),
  });
  const origin = self.location.origin;
  const fetchFromWorker = (input: string, init?: RequestInit) => self.fetch(input, init);
  const sync = new SyncService(notes, {
    baseUrl: origin,
    fetch: fetchFromWorker,
    auth: authClient({ baseUrl: origin, fetch: fetchFromWorker }),
    timers,
    random: Math.random,
    // The editor already waits for a pause in typing (src/ui/draft.ts) before it saves: a long
    // upload debounce on top would only delay the other devices.
    writeDebounceMs: UPLOAD_DEBOUNCE_MS,
    // Live events by fetch with the Authorization header: the token never goes in a URL.
    openEvents: (token, handlers) => openHeadStream({ baseUrl: origin, fetch: fetchFromWorker, timers, random: Math.random }, token, handlers),
    onlineEvents: (listener) => {
      self.addEventListener('online', () => listener(true));
      self.addEventListener('offline', () => listener(false));
    },
  });
  const api = notesApiOf(notes, sync, new ConflictService(notes));
  // Opens the database and starts syncing (only the owner syncs).
  const opened = await api.open();
  return {
    api,
    opened,
    onChange: (listener) => void notes.changes.subscribe(listener),
    onStatus: (listener) => void sync.statuses.subscribe(listener),
  };
}

const node = new TabNode({
  id: uuidv7(),
  channel: new TabChannel(new BroadcastChannel(TAB_CHANNEL)),
  locks: platformLocks(),
  openLeader,
  timers,
  now: () => Date.now(),
});
node.start();
Comlink.expose(node.api);
