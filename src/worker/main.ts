// The dedicated module worker: owns SQLite and serves the NotesApi (api.ts) to its page over
// Comlink, and syncs the database with the same-origin server. The page creates it with
//   new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module' })
// and wraps it with Comlink.wrap<NotesApi>(worker).

import * as Comlink from 'comlink';
import { uuidv7 } from 'uuidv7';
import { authClient } from './authClient';
import { ConflictService } from './conflictService';
import { NotesService } from './notesService';
import { openBrowserDatabase } from './openDatabase';
import { storageNearlyFull } from './storageQuota';
import { SyncService } from './syncService';
import { notesApiOf } from './workerApi';

const notes = new NotesService({
  openDatabase: openBrowserDatabase,
  now: () => Date.now(),
  newId: uuidv7,
  storageNearlyFull,
});

const origin = self.location.origin;
const fetchFromWorker = (input: string, init?: RequestInit) => self.fetch(input, init);

const sync = new SyncService(notes, {
  baseUrl: origin,
  fetch: fetchFromWorker,
  auth: authClient({ baseUrl: origin, fetch: fetchFromWorker }),
  timers: { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  random: Math.random,
  ...(typeof EventSource === 'undefined' ? {} : { openEvents: (url: string) => new EventSource(url) }),
  onlineEvents: (listener) => {
    self.addEventListener('online', () => listener(true));
    self.addEventListener('offline', () => listener(false));
  },
});

Comlink.expose(notesApiOf(notes, sync, new ConflictService(notes)));
