// The server's storage, behind one small interface so the embedded SQLite default and PostgreSQL in
// production are interchangeable. Every method that touches synced data takes the space id, which
// the caller takes from the authenticated token, never from a request body.

import type { Action, SequencedAction } from '../../sync/action';

export type StoreKind = 'sqlite' | 'postgres';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
  readonly spaceId: string;
}

export interface NewUser extends UserRecord {
  readonly createdAt: number;
}

export interface TokenRecord {
  readonly userId: string;
  readonly username: string;
  readonly spaceId: string;
  readonly expiresAt: number;
}

export interface NewToken {
  /** sha256 of the token, hex: the token itself is never stored. */
  readonly hash: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface PushInput {
  readonly spaceId: string;
  readonly userId: string;
  readonly clientId: string;
  /** Already validated: every action's clientId equals `clientId`. */
  readonly actions: readonly Action[];
  readonly receivedAt: number;
  /**
   * How long rows covered by a snapshot are kept before deletion (RETENTION_DAYS; default
   * DEFAULT_RETENTION_DAYS); 0 deletes the rows a snapshot covers in the push that brings it.
   */
  readonly retentionMs?: number;
  /** The space's quota: a push that would take its stored bytes (rowBytes) past it writes nothing. */
  readonly maxStoredBytes?: number;
  /**
   * The hash of the session's token. When given, the push writes nothing (reason 'unauthorized')
   * unless the token still exists and has not expired at receivedAt, checked inside the transaction:
   * the caller may have authenticated from a cache, and a signed-out token must not push.
   */
  readonly tokenHash?: string;
}

export type PushOutcome =
  | { readonly ok: true; readonly accepted: string[]; readonly duplicates: string[]; readonly head: number }
  /** input.tokenHash no longer names a live session: nothing was written. */
  | { readonly ok: false; readonly reason: 'unauthorized' }
  /** The clientId was first pushed by another user, or the quota would be exceeded: nothing was written. */
  | { readonly ok: false; readonly reason: 'forbidden_client' | 'storage_full' }
  /** A snapshot (input.actions[index]) claims a basis beyond the space's head: no action was stored. */
  | { readonly ok: false; readonly reason: 'basis_ahead'; readonly index: number; readonly actionId: string; readonly basis: number; readonly head: number };

export interface PullPage {
  readonly actions: SequencedAction[];
  readonly head: number;
  /**
   * Where the next page starts: the last action's seq, or head when the page reached it. Rows
   * covered by a snapshot leave gaps in seq, so this is not always the last action's seq.
   */
  readonly cursor: number;
}

/** What a push transaction looks like from inside, for tests that widen race windows. */
export interface PushTransactionInfo {
  readonly spaceId: string;
  readonly base: number;
  readonly count: number;
}

/**
 * The database could not take the push's locks or finish it in time (PostgreSQL's lock_timeout or
 * statement_timeout): nothing was written, and the client should try again shortly.
 */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
}

export interface StoreHooks {
  /**
   * Runs inside the push transaction after the rows are written and before COMMIT. Tests use it to
   * hold transactions open (artificial delays) so concurrent pushes overlap; a throw rolls back.
   */
  readonly beforeCommit?: (info: PushTransactionInfo) => void | Promise<void>;
}

export interface Store {
  readonly kind: StoreKind;
  /** Identifies this database: created with it, so a reset backend has a new one. */
  readonly epoch: string;

  /** false when the username (case-insensitively) is taken. Creates the user's space too. */
  createUser(user: NewUser): Promise<boolean>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  /**
   * Replaces the user's password hash. With `endSessions`, in the same transaction, deletes every
   * token of the user except `keep` (a password change signs out every other session).
   */
  setPasswordHash(userId: string, hash: string, endSessions?: { readonly keep: string | null }): Promise<void>;
  /**
   * Erases the account: its space's actions, its clients, tokens, user and space. The hashes of its
   * live tokens are remembered until they would have expired, so other devices learn why they are
   * signed out (isDeletedAccountToken). false when there is no such user.
   */
  deleteUser(userId: string, now: number): Promise<boolean>;
  isDeletedAccountToken(hash: string, now: number): Promise<boolean>;

  /**
   * Stores a token; in the same transaction drops the user's expired tokens and, beyond
   * `maxPerUser`, the oldest ones (never the new one).
   */
  createToken(token: NewToken, maxPerUser?: number): Promise<void>;
  /** The token's user and space, if the token exists and has not expired at `now`. */
  findToken(hash: string, now: number): Promise<TokenRecord | undefined>;
  deleteToken(hash: string): Promise<void>;
  /** Every token of the user, or every one but `except`. Returns how many. */
  deleteUserTokens(userId: string, except?: string): Promise<number>;
  /** Expired tokens, and remembered tokens of deleted accounts past their expiry. */
  deleteExpiredTokens(now: number): Promise<number>;

  /**
   * One atomic transaction: lock the space's counter row, skip actions whose id the space already
   * has, refuse a snapshot whose basis is beyond head, give the rest seq = head+1..head+n in order,
   * move head, cover what the new snapshots cover (compaction.ts), commit.
   */
  push(input: PushInput): Promise<PushOutcome>;
  /**
   * Uncovered actions with cursor < seq <= head, in seq order, at most `limit`, and no more than
   * `maxBytes` of them (rowBytes) unless the first alone is larger; head as of the read. The page's
   * cursor is where it ended: head when it read everything, its last seq when cut short.
   */
  pull(spaceId: string, cursor: number, limit: number, maxBytes?: number): Promise<PullPage>;
  /**
   * Deletes up to `limit` rows (of any space) covered at or before `coveredBefore`; how many it
   * deleted. The periodic sweep calls it until it returns less than `limit`.
   */
  deleteCovered(coveredBefore: number, limit: number): Promise<number>;
  /** Rows stored for the space, covered or not (what retention frees), for tests and operators. */
  storedRows(spaceId: string): Promise<{ readonly live: number; readonly covered: number }>;
  head(spaceId: string): Promise<number>;

  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
