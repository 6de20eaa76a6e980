// PowerSync (@powersync/web): wa-sqlite in a worker, on the VFS given. No sync connection: the
// local write path and live queries only. Write: execute. Live query: watch.

import { column, PowerSyncDatabase, Schema, Table, WASQLiteVFS } from '@powersync/web';
import type { PeerAdapter } from './contract';
import { TitleWaiters } from './waiters';

const schema = new Schema({ notes: new Table({ title: column.text, body: column.text }) });

export type PowerSyncVfs = 'OPFSCoopSyncVFS' | 'IDBBatchAtomicVFS';

export async function openPowerSync(vfs: PowerSyncVfs): Promise<PeerAdapter> {
  const db = new PowerSyncDatabase({
    schema,
    database: { dbFilename: `notes-bench-${vfs}.db`, vfs: vfs === 'OPFSCoopSyncVFS' ? WASQLiteVFS.OPFSCoopSyncVFS : WASQLiteVFS.IDBBatchAtomicVFS },
  });
  await db.init();
  const waiters = new TitleWaiters();
  const abort = new AbortController();
  db.watch(
    'SELECT id, title FROM notes',
    [],
    {
      onResult: (result) => {
        const rows: unknown[] = result.rows?._array ?? [];
        waiters.offer(rows.map((r) => (r as { title?: unknown }).title));
      },
      onError: (e) => console.error('PowerSync watch failed', e),
    },
    { signal: abort.signal },
  );
  return {
    write: async (title, body) => {
      await db.execute('INSERT INTO notes (id, title, body) VALUES (uuid(), ?, ?)', [title, body]);
    },
    whenVisible: (title) => waiters.wait(title),
    close: async () => {
      abort.abort();
      await db.close();
    },
  };
}
