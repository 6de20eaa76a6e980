// Versioned schema of the PostgreSQL store. Append new versions; never edit an applied one.
// Every table that holds synced data leads with space_id: spaces share nothing, so the actions and
// spaces tables can be distributed by space_id (Citus) without changing the protocol.

import type { Migration } from '../sqlite/sqliteMigrations';

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
  {
    version: 3,
    name: 'stored bytes per space, tokens by user, tokens of deleted accounts, rate limits',
    // 200: rows.ts ROW_OVERHEAD_BYTES when this was written (a migration never changes afterwards).
    // rate_limits has the shape rate-limiter-flexible's RateLimiterPostgres expects; UNLOGGED: a
    // crash may forget counts of the last minutes, which costs nothing worth a WAL write per sign-in.
    sql: `
      ALTER TABLE spaces ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0;
      UPDATE spaces SET stored_bytes = a.bytes
      FROM (
        SELECT space_id, sum(octet_length(payload) + coalesce(octet_length(base), 0) + coalesce(octet_length(edits), 0)
                             + coalesce(octet_length(state), 0) + 200) AS bytes
        FROM actions GROUP BY space_id
      ) a
      WHERE a.space_id = spaces.id;
      CREATE INDEX tokens_user ON tokens (user_id, created_at);
      CREATE TABLE deleted_account_tokens (hash text PRIMARY KEY, expires_at bigint NOT NULL);
      CREATE INDEX deleted_account_tokens_expires_at ON deleted_account_tokens (expires_at);
      CREATE UNLOGGED TABLE rate_limits (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint);
    `,
  },
];
