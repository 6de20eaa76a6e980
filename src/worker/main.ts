// The dedicated module worker: owns SQLite and serves the NotesApi (api.ts) to its page over
// Comlink. The page creates it with
//   new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module' })
// and wraps it with Comlink.wrap<NotesApi>(worker).

import * as Comlink from 'comlink';
import { uuidv7 } from 'uuidv7';
import { notesApiOf, NotesService } from './notesService';
import { openBrowserDatabase } from './openDatabase';
import { storageNearlyFull } from './storageQuota';

const service = new NotesService({
  openDatabase: openBrowserDatabase,
  now: () => Date.now(),
  newId: uuidv7,
  storageNearlyFull,
});

Comlink.expose(notesApiOf(service));
