// Test-only module worker, served beside a copy of the built app (storageFormat.spec.ts): it opens
// the app's own OPFS pool with sqlite-wasm directly, as a version of the app from before WAL would,
// to write a database in that format and to read back what the current app left. Plain JS on
// purpose: it is copied as is, never built.
import sqlite3InitModule from './index.mjs';

const sqlite3Ready = sqlite3InitModule();
// The app's pool (src/worker/db/openDatabase.ts): same VFS name, directory and file.
const POOL = { directory: '/notes-db', initialCapacity: 6 };
const DB_FILE = '/notes.sqlite3';

/** Installs the pool, waiting while a closed tab's worker still holds its files. */
async function installPool() {
  const sqlite3 = await sqlite3Ready;
  for (let attempt = 0; ; attempt++) {
    try {
      return await sqlite3.installOpfsSAHPoolVfs({ ...POOL, ...(attempt > 0 ? { forceReinitIfPreviouslyFailed: true } : {}) });
    } catch (e) {
      if (attempt > 100 || !/NoModificationAllowed|Access Handles? cannot be created/i.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Lets go of the pool's files (keeping them) so the app can take them; the worker ends after anyway. */
function release(pool) {
  try {
    pool.pauseVfs();
  } catch {
    // A file still open: the worker is terminated next, which lets go of everything.
  }
}

const ops = {
  /** Puts `bytes` in the pool as the previous version kept it: rollback journal (PERSIST), one write made. */
  async seed({ bytes }) {
    const pool = await installPool();
    await pool.importDb(DB_FILE, bytes);
    const db = new pool.OpfsSAHPoolDb(DB_FILE);
    try {
      // The previous version's pragmas; a write leaves its persisted, zeroed journal behind.
      db.exec('PRAGMA journal_mode = PERSIST');
      db.exec('PRAGMA synchronous = FULL');
      db.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('old-version-was-here', '1')");
      return { journalMode: db.selectValue('PRAGMA journal_mode'), files: pool.getFileNames() };
    } finally {
      db.close();
      release(pool);
    }
  },
  /** The database file's header: bytes 18 and 19 are 1 for a rollback journal, 2 for WAL. */
  async header() {
    const pool = await installPool();
    try {
      const bytes = pool.exportFile(DB_FILE);
      return { write: bytes[18], read: bytes[19], files: pool.getFileNames() };
    } finally {
      release(pool);
    }
  },
  /** Opens the database as the previous version did (no exclusive lock) and counts the notes. */
  async openAsOldVersion() {
    const pool = await installPool();
    let db;
    try {
      db = new pool.OpfsSAHPoolDb(DB_FILE);
      db.exec('PRAGMA journal_mode = PERSIST');
      return { notes: db.selectValue('SELECT count(*) FROM notes') };
    } finally {
      db?.close();
      release(pool);
    }
  },
};

onmessage = async (e) => {
  const { op, args } = e.data;
  try {
    postMessage({ ok: true, value: await ops[op](args ?? {}) });
  } catch (error) {
    postMessage({ ok: false, error: String(error && error.message ? error.message : error) });
  }
};
postMessage({ ready: true });
