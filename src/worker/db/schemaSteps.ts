// The worker schema's versions, oldest first (run by migrations.ts). Migrations are history: never
// edit one that has shipped, add the next version instead.
//
// Tables (DESIGN.md section 2):
// - actions: the append-only log of intent. `local_seq` is the rowid, so insertion order is free;
//   `id` (the action's UUIDv7) is the idempotency key. status: pending (not yet acknowledged by the
//   server) | acked (seen coming back in a pull) | quarantined (the server rejected it; `error` says why).
// - notes: the materialized state, one row per entity: field values, a stamp per field, tombstone
//   stamps, `changed_stamp` (the greatest stamp, for ordering) and `visible` (merge.ts isVisible).
//   A field's value and stamp are NULL until some action wrote it.
// - meta: key/value (client id, clock, sync cursor and epoch).
// - conflicts (v2): edits this device lost to a concurrent edit or delete, for the user to restore.
// - notes_fts (v3): the full-text index of notes (search.ts). See v3's comment for the design.
// - v4: text edits and snapshots. actions gain `edits` (JSON: per text field, {base, update}),
//   `basis` and `state` (snapshots); notes gain, per text field, `<f>_doc` (the Yjs state of the
//   base's document, NULL for the seed alone), `<f>_edited` (the last edit's stamp) and
//   `<f>_waiting` (JSON: edits on a base not seen yet). Existing bodies are bases already.
// - v5: notes_fts_queue (the index is updated in batches, see v5's comment); actions_by_status gone.
// - v6: the settled actions of an entity are indexed by a 4-byte key of its id (see v6's comment).

/**
 * The key actions_by_entity_key indexes an action's entity by: the last 8 hex digits of its UUID as
 * 4 bytes (the id itself should it not end in hex). Queries name it exactly, with the entity id
 * in place of `entity_id`, and still compare collection and entity_id (keys of two entities may meet).
 */
export function entityKeySql(entityId: string): string {
  return `coalesce(unhex(substr(${entityId}, -8)), ${entityId})`;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema: meta, actions, notes',
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE actions (
        local_seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        collection TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('create', 'update', 'delete', 'restore', 'purge')),
        payload TEXT NOT NULL,
        hlc TEXT NOT NULL,
        client_id TEXT NOT NULL,
        base TEXT,
        server_seq INTEGER,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'acked', 'quarantined')),
        error TEXT
      );
      -- (status, rowid): the upload queue in insertion order without a sort.
      CREATE INDEX actions_by_status ON actions (status);

      CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        title TEXT,
        body TEXT,
        title_stamp TEXT,
        body_stamp TEXT,
        created_stamp TEXT,
        deleted_stamp TEXT,
        restored_stamp TEXT,
        purged_stamp TEXT,
        changed_stamp TEXT NOT NULL,
        visible INTEGER NOT NULL CHECK (visible IN (0, 1))
      );
      CREATE INDEX notes_visible_by_change ON notes (changed_stamp) WHERE visible = 1;
    `,
  },
  {
    version: 2,
    name: 'conflicts table; pending actions per entity',
    sql: `
      CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        field TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('overwritten', 'deleted')),
        lost_value TEXT NOT NULL,
        lost_stamp TEXT NOT NULL,
        winner_stamp TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        resolved INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
        UNIQUE (collection, entity_id, field, lost_stamp, winner_stamp)
      );
      CREATE INDEX conflicts_open ON conflicts (collection, entity_id) WHERE resolved = 0;

      -- The "pending" badge of each note in the list: a probe per row, so it must be indexed.
      CREATE INDEX actions_pending_by_entity ON actions (collection, entity_id) WHERE status = 'pending';
    `,
  },
  {
    // Search (issue 7). An external-content FTS5 table over notes (title, body): the index keeps no
    // second copy of the text (bodies run to 500k characters), and highlight()/snippet() read the
    // text back from notes by rowid. A contentless table could not give snippets at all.
    //
    // External content needs a rowid that never changes, and VACUUM may renumber the implicit rowid
    // of a table without an INTEGER PRIMARY KEY: so notes is rebuilt with one (`doc`, assigned on
    // insert and never written by the app; an upsert on `id` keeps it).
    //
    // The index mirrors every row of notes, visible or not (visibility is a join filter in the
    // query): so FTS5's own 'rebuild' and 'integrity-check' (against the content) apply as they are.
    // Trashed notes are few and purged rows hold no text. Triggers keep it in step: every statement
    // that writes notes (local writes, pulled batches, re-stamping, purge, a rebuild from the log)
    // updates the index in the same statement, so in the same transaction, with no path to forget.
    // The update trigger only re-indexes when the text changed (tombstone-only writes are common).
    //
    // Tokenizer unicode61 with remove_diacritics 2: "cafe" finds "Café". Prefix indexes for 1-2
    // character prefixes make the first keystrokes of a search as fast as the later ones.
    // The rank is bm25 with the title weighted 10 to the body's 1.
    version: 3,
    name: 'full-text search over notes; notes get a stable rowid; trash index',
    sql: `
      CREATE TABLE notes_v3 (
        doc INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT,
        body TEXT,
        title_stamp TEXT,
        body_stamp TEXT,
        created_stamp TEXT,
        deleted_stamp TEXT,
        restored_stamp TEXT,
        purged_stamp TEXT,
        changed_stamp TEXT NOT NULL,
        visible INTEGER NOT NULL CHECK (visible IN (0, 1))
      );
      INSERT INTO notes_v3 (id, title, body, title_stamp, body_stamp, created_stamp, deleted_stamp,
                            restored_stamp, purged_stamp, changed_stamp, visible)
        SELECT id, title, body, title_stamp, body_stamp, created_stamp, deleted_stamp,
               restored_stamp, purged_stamp, changed_stamp, visible
        FROM notes ORDER BY rowid;
      DROP TABLE notes;
      ALTER TABLE notes_v3 RENAME TO notes;
      CREATE INDEX notes_visible_by_change ON notes (changed_stamp) WHERE visible = 1;
      -- The Trash view (trash.ts): the rows that may be in the Trash; its query checks the rest.
      CREATE INDEX notes_in_trash ON notes (deleted_stamp)
        WHERE visible = 0 AND deleted_stamp IS NOT NULL AND purged_stamp IS NULL;

      CREATE VIRTUAL TABLE notes_fts USING fts5(
        title, body,
        content = 'notes', content_rowid = 'doc',
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '1 2'
      );
      INSERT INTO notes_fts (notes_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
      INSERT INTO notes_fts (notes_fts) VALUES ('rebuild');

      CREATE TRIGGER notes_fts_after_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
      END;
      CREATE TRIGGER notes_fts_after_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
      END;
      CREATE TRIGGER notes_fts_after_update AFTER UPDATE OF title, body ON notes
        WHEN old.title IS NOT new.title OR old.body IS NOT new.body BEGIN
        INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
        INSERT INTO notes_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
      END;
    `,
  },
  {
    // SQLite cannot alter a CHECK constraint, so actions is rebuilt (rowids, and so local_seq and
    // insertion order, are copied as they are). Its indexes are made again after the rename.
    version: 4,
    name: 'text edits and snapshots: actions.edits/basis/state, notes.body_doc/body_edited/body_waiting',
    sql: `
      CREATE TABLE actions_v4 (
        local_seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        collection TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('create', 'update', 'delete', 'restore', 'purge', 'snapshot')),
        payload TEXT NOT NULL,
        hlc TEXT NOT NULL,
        client_id TEXT NOT NULL,
        base TEXT,
        server_seq INTEGER,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'acked', 'quarantined')),
        error TEXT,
        edits TEXT,
        basis INTEGER,
        state TEXT
      );
      INSERT INTO actions_v4 (local_seq, id, collection, entity_id, type, payload, hlc, client_id, base, server_seq, status, error)
        SELECT local_seq, id, collection, entity_id, type, payload, hlc, client_id, base, server_seq, status, error
        FROM actions ORDER BY local_seq;
      DROP TABLE actions;
      ALTER TABLE actions_v4 RENAME TO actions;
      CREATE INDEX actions_by_status ON actions (status);
      CREATE INDEX actions_pending_by_entity ON actions (collection, entity_id) WHERE status = 'pending';
      -- Compaction (store/compaction.ts): an entity's actions since its last snapshot, and pruning.
      CREATE INDEX actions_by_entity ON actions (collection, entity_id);

      ALTER TABLE notes ADD COLUMN body_doc BLOB;
      ALTER TABLE notes ADD COLUMN body_edited TEXT;
      ALTER TABLE notes ADD COLUMN body_waiting TEXT;
    `,
  },
  {
    // A write touches fewer B-trees (issue 14): the full-text index is brought up to date in batches
    // (notes/searchIndex.ts) instead of inside every write's transaction, and the action log loses
    // an index no query needed. Measured on opfs-sahpool: a note create dirtied 14 pages, 5 of them
    // FTS5's (its segment, structure, averages, docsize); each dirtied page costs a journal write and
    // a database write at commit.
    //
    // What the batch must index: rows whose doc is above the greatest doc in the index (W), and the
    // rows of notes_fts_queue. SQLite gives a new row the greatest doc + 1, so a note created writes
    // nothing but itself. The queue holds what the index cannot be told otherwise, for docs <= W:
    // - an indexed row whose text changes or that is deleted, with the exact text it was indexed
    //   with (`indexed` = 1): the index is external content, and FTS5 can only take a row out by
    //   the text it indexed. Only the first change queues it, so later ones keep that text.
    // - a doc <= W given to a new row (the top rows were deleted, their docs given again) that the
    //   index holds nothing for (`indexed` = 0).
    // NOT EXISTS, not OR IGNORE (whose policy an outer statement may override). The triggers are the
    // only way in, so every path that writes notes (local, pulled, re-stamping, purge, import, a
    // rebuild) is covered, and search indexes what is behind before it matches.
    //
    // actions_by_status served the upload queue, the pending count and the quarantined list; the
    // first two read the pending rows of actions_pending_by_entity (the queries name it), the last
    // gets a partial index that local writes never touch. The rare acked-only queries scan.
    //
    // The list is ordered by (changed_stamp, id): with id in the index, the whole list (the read
    // a cold start waits for) comes out of it in order instead of through a sort.
    //
    // actions_by_entity leaves pending rows out: actions_pending_by_entity holds those, so a local
    // write (a pending row) touches one entity index, not two; a row joins it when acknowledged,
    // in the sync's transaction. Queries over all of an entity's rows read both.
    version: 5,
    name: 'deferred full-text indexing (notes_fts_queue); actions_by_status replaced by actions_quarantined; actions_by_entity without pending rows',
    sql: `
      DROP INDEX actions_by_status;
      CREATE INDEX actions_quarantined ON actions (local_seq) WHERE status = 'quarantined';
      DROP INDEX actions_by_entity;
      CREATE INDEX actions_settled_by_entity ON actions (collection, entity_id) WHERE status != 'pending';
      DROP INDEX notes_visible_by_change;
      CREATE INDEX notes_visible_by_change ON notes (changed_stamp, id) WHERE visible = 1;

      CREATE TABLE notes_fts_queue (
        doc INTEGER PRIMARY KEY,
        indexed INTEGER NOT NULL CHECK (indexed IN (0, 1)),
        title TEXT,
        body TEXT
      );
      DROP TRIGGER notes_fts_after_insert;
      DROP TRIGGER notes_fts_after_delete;
      DROP TRIGGER notes_fts_after_update;
      CREATE TRIGGER notes_fts_queue_after_insert AFTER INSERT ON notes
        WHEN new.doc <= coalesce((SELECT max(id) FROM notes_fts_docsize), 0)
         AND NOT EXISTS (SELECT 1 FROM notes_fts_queue WHERE doc = new.doc) BEGIN
        INSERT INTO notes_fts_queue (doc, indexed) VALUES (new.doc, 0);
      END;
      CREATE TRIGGER notes_fts_queue_after_delete AFTER DELETE ON notes
        WHEN old.doc <= coalesce((SELECT max(id) FROM notes_fts_docsize), 0)
         AND NOT EXISTS (SELECT 1 FROM notes_fts_queue WHERE doc = old.doc) BEGIN
        INSERT INTO notes_fts_queue (doc, indexed, title, body) VALUES (old.doc, 1, old.title, old.body);
      END;
      CREATE TRIGGER notes_fts_queue_after_update AFTER UPDATE OF title, body ON notes
        WHEN (old.title IS NOT new.title OR old.body IS NOT new.body)
         AND old.doc <= coalesce((SELECT max(id) FROM notes_fts_docsize), 0)
         AND NOT EXISTS (SELECT 1 FROM notes_fts_queue WHERE doc = old.doc) BEGIN
        INSERT INTO notes_fts_queue (doc, indexed, title, body) VALUES (old.doc, 1, old.title, old.body);
      END;
    `,
  },
  {
    // A pulled page inserts each of its actions into the entity index, at its entity's place: the
    // page's entities are spread over the whole index, so it dirtied a leaf every few actions, each
    // written twice at commit (journal, then database). Keyed by ('notes', a 36-character id) an
    // entry takes ~50 bytes; keyed by 4 bytes of the id (random bits of a UUIDv7), about a quarter.
    // Counted on the bench's page of 1,000 into 100k of history (the database image diffed before
    // and after): the index's pages written 428 -> 185, all pages 1,732 -> 1,500.
    version: 6,
    name: 'settled actions indexed by a 4-byte key of their entity (actions_by_entity_key)',
    sql: `
      DROP INDEX actions_settled_by_entity;
      CREATE INDEX actions_by_entity_key ON actions (${entityKeySql('entity_id')}) WHERE status != 'pending';
    `,
  },
];
