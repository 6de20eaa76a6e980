// Evolu (@evolu/web): SQLite WASM on OPFS (opfs-sahpool) in a worker, local only (transports: []).
// Write: insert, committed at onComplete. Live query: subscribeQuery + getQueryRows.

import { id, NonEmptyString1000, SimpleName, String as EvoluString } from '@evolu/common';
import { createEvolu } from '@evolu/common/local-first';
import { evoluWebDeps } from '@evolu/web';
import type { PeerAdapter } from './contract';
import { TitleWaiters } from './waiters';

const NoteId = id('Note');
const Schema = { note: { id: NoteId, title: NonEmptyString1000, body: EvoluString } };

export async function openEvolu(): Promise<PeerAdapter> {
  const evolu = createEvolu(evoluWebDeps)(Schema, { name: SimpleName.orThrow('NotesBench'), transports: [] });
  await evolu.appOwner;
  const all = evolu.createQuery((db) => db.selectFrom('note').select(['id', 'title']).where('isDeleted', 'is not', 1));
  await evolu.loadQuery(all);
  const waiters = new TitleWaiters();
  const unsubscribe = evolu.subscribeQuery(all)(() => {
    waiters.offer(evolu.getQueryRows(all).map((r) => r.title));
  });
  return {
    write: (title, body) =>
      new Promise<void>((resolve, reject) => {
        const r = evolu.insert('note', { title, body }, { onComplete: resolve });
        if (!r.ok) reject(new Error(`Evolu refused the insert: ${JSON.stringify(r.error)}`));
      }),
    whenVisible: (title) => waiters.wait(title),
    close: async () => {
      unsubscribe();
    },
  };
}
