// Versioned schema of the PostgreSQL store. Append new versions; never edit an applied one.
// Every table that holds synced data leads with space_id: spaces share nothing, so the actions and
// spaces tables can be distributed by space_id (Citus) without changing the protocol.

import type { Migration } from './sqliteMigrations';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, spaces, clients, actions',
    sql: `
      CREATE TABLE server_meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE spaces (
        id text PRIMARY KEY,
        head bigint NOT NULL DEFAULT 0,
        created_at bigint NOT NULL
      );
      CREATE TABLE users (
        id text PRIMARY KEY,
        username text NOT NULL,
        password_hash text NOT NULL,
        space_id text NOT NULL UNIQUE REFERENCES spaces (id),
        created_at bigint NOT NULL
      );
      CREATE UNIQUE INDEX users_username ON users (lower(username));
      CREATE TABLE tokens (
        hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX tokens_expires_at ON tokens (expires_at);
      CREATE TABLE clients (
        client_id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id),
        space_id text NOT NULL REFERENCES spaces (id),
        first_seen bigint NOT NULL
      );
      CREATE TABLE actions (
        space_id text NOT NULL REFERENCES spaces (id),
        id text NOT NULL,
        seq bigint NOT NULL,
        collection text NOT NULL,
        entity_id text NOT NULL,
        type text NOT NULL,
        payload text NOT NULL,
        hlc text NOT NULL,
        client_id text NOT NULL,
        base text,
        user_id text NOT NULL,
        received_at bigint NOT NULL,
        PRIMARY KEY (space_id, id),
        UNIQUE (space_id, seq)
      );
    `,
  },
  {
    version: 2,
    name: 'protocol 2 fields (edits, snapshot basis and state), compaction',
    // Rows of version 1 get covered_at NULL: every one stays served. ADD COLUMN without a default
    // rewrites nothing; the partial indexes hold only the rows they serve (see compaction.ts).
    sql: `
      ALTER TABLE actions ADD COLUMN edits text, ADD COLUMN basis bigint, ADD COLUMN state text, ADD COLUMN covered_at bigint;
      CREATE INDEX actions_live_seq ON actions (space_id, seq) WHERE covered_at IS NULL;
      CREATE INDEX actions_live_entity ON actions (space_id, entity_id, seq) WHERE covered_at IS NULL;
      CREATE INDEX actions_covered_space ON actions (space_id, covered_at) WHERE covered_at IS NOT NULL;
      CREATE INDEX actions_covered_at ON actions (covered_at) WHERE covered_at IS NOT NULL;
    `,
  },
];
