// Versioned schema of the embedded store. Append new versions; never edit an applied one.

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, spaces, clients, actions',
    sql: `
      CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE spaces (
        id TEXT PRIMARY KEY,
        head INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        space_id TEXT NOT NULL UNIQUE REFERENCES spaces (id),
        created_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX users_username ON users (lower(username));
      CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX tokens_expires_at ON tokens (expires_at);
      CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id),
        space_id TEXT NOT NULL REFERENCES spaces (id),
        first_seen INTEGER NOT NULL
      );
      CREATE TABLE actions (
        space_id TEXT NOT NULL REFERENCES spaces (id),
        id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        collection TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        hlc TEXT NOT NULL,
        client_id TEXT NOT NULL,
        base TEXT,
        user_id TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (space_id, id),
        UNIQUE (space_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'protocol 2 fields (edits, snapshot basis and state), compaction',
    // Rows of version 1 get covered_at NULL: every one stays served. The partial indexes hold only
    // the rows they serve, so pull and covering read what they return (see compaction.ts).
    sql: `
      ALTER TABLE actions ADD COLUMN edits TEXT;
      ALTER TABLE actions ADD COLUMN basis INTEGER;
      ALTER TABLE actions ADD COLUMN state TEXT;
      ALTER TABLE actions ADD COLUMN covered_at INTEGER;
      CREATE INDEX actions_live_seq ON actions (space_id, seq) WHERE covered_at IS NULL;
      CREATE INDEX actions_live_entity ON actions (space_id, entity_id, seq) WHERE covered_at IS NULL;
      CREATE INDEX actions_covered_space ON actions (space_id, covered_at) WHERE covered_at IS NOT NULL;
      CREATE INDEX actions_covered_at ON actions (covered_at) WHERE covered_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'stored bytes per space, tokens by user, tokens of deleted accounts',
    // 200: rows.ts ROW_OVERHEAD_BYTES when this was written (a migration never changes afterwards).
    sql: `
      ALTER TABLE spaces ADD COLUMN stored_bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE spaces SET stored_bytes = (
        SELECT coalesce(sum(length(CAST(payload AS BLOB)) + coalesce(length(CAST(base AS BLOB)), 0)
                        + coalesce(length(CAST(edits AS BLOB)), 0) + coalesce(length(CAST(state AS BLOB)), 0) + 200), 0)
        FROM actions WHERE actions.space_id = spaces.id
      );
      CREATE INDEX tokens_user ON tokens (user_id, created_at);
      CREATE TABLE deleted_account_tokens (hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
      CREATE INDEX deleted_account_tokens_expires_at ON deleted_account_tokens (expires_at);
    `,
  },
];
