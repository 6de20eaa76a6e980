// Who this device syncs as, kept in the database's meta table so it survives reloads:
// - the session (token and user) while signed in;
// - the account the device's notes belong to: the first one that signed in here. The notes (and the
//   device's clientId, which the server ties to one account) are that account's, so signing in as
//   someone else is refused rather than uploading one person's notes into another's space;
// - whether the server ended the last session (an expired or revoked token), for the UI to say so;
// - whether the account was deleted (here or on another device): then the notes are this device's
//   alone again, local only, and the next account that signs in here gets them all.

import * as v from 'valibot';
import { AccountMismatchError } from '../errors';
import { deleteMeta, getMeta, metaKeys, setMeta, setSyncCursor } from '../db/meta';
import { inTransaction, type Db } from '../db/sql';
import { requeueOwnAcked } from '../store/actionLog';
import type { Store } from '../store/store';
import { adoptForeignNotes } from './adoptNotes';

const keys = { session: 'auth_session', bound: 'bound_account', expired: 'session_expired', deleted: 'account_deleted' } as const;

const AccountSchema = v.object({ userId: v.string(), username: v.string() });
const SessionSchema = v.object({ ...AccountSchema.entries, token: v.string(), expiresAt: v.number() });

export type Account = v.InferOutput<typeof AccountSchema>;
export type Session = v.InferOutput<typeof SessionSchema>;

function readJson<T>(db: Db, key: string, schema: v.GenericSchema<unknown, T>): T | null {
  const raw = getMeta(db, key);
  if (raw === undefined) return null;
  try {
    const r = v.safeParse(schema, JSON.parse(raw));
    return r.success ? r.output : null;
  } catch {
    return null;
  }
}

export function readSession(db: Db): Session | null {
  return readJson(db, keys.session, SessionSchema);
}

export function boundAccount(db: Db): Account | null {
  return readJson(db, keys.bound, AccountSchema);
}

export function sessionExpired(db: Db): boolean {
  return getMeta(db, keys.expired) === '1';
}

export function accountDeleted(db: Db): boolean {
  return getMeta(db, keys.deleted) === '1';
}

function sameName(a: string, b: string): boolean {
  // Usernames are unique case-insensitively on the server.
  return a.toLowerCase() === b.toLowerCase();
}

/** Refuses a sign-in (by name, before asking the server; by id, after) as another account than the bound one. */
export function assertMayUse(db: Db, who: { username: string; userId?: string }): void {
  const bound = boundAccount(db);
  if (!bound) return;
  const same = who.userId !== undefined ? who.userId === bound.userId : sameName(who.username, bound.username);
  if (!same) {
    throw new AccountMismatchError(
      `The notes on this device belong to the account "${bound.username}". Sign in as ${bound.username} to sync them; ` +
        `to use "${who.username}", open the app in another browser or browser profile.`,
    );
  }
}

/** Stores a new session; the first one binds the device to its account. */
export function saveSession(db: Db, session: Session): void {
  inTransaction(db, () => {
    assertMayUse(db, session);
    setMeta(db, keys.session, JSON.stringify(session));
    if (!boundAccount(db)) setMeta(db, keys.bound, JSON.stringify({ userId: session.userId, username: session.username }));
    deleteMeta(db, keys.expired);
    deleteMeta(db, keys.deleted);
  });
}

/**
 * The account is gone from the server (deleted here or on another device). In one transaction: the
 * session and the binding are dropped, so any account may sign in here next; this device's own
 * actions are pending again (with the notes of other devices written again as its own,
 * adoptNotes.ts) and the sync position restarts, so that account receives them all. Notes and
 * pending changes stay. Returns the entities whose "not synced" mark changed.
 */
export function forgetAccount(store: Store): string[] {
  const { db, clientId } = store;
  return inTransaction(db, () => {
    // Both the deleting call and a sync cycle that met the deleted account's 401 come here: once is enough.
    if (accountDeleted(db) && readSession(db) === null) return [];
    deleteMeta(db, keys.session);
    deleteMeta(db, keys.bound);
    deleteMeta(db, keys.expired);
    setMeta(db, keys.deleted, '1');
    const requeued = requeueOwnAcked(db, clientId);
    const adopted = adoptForeignNotes(store);
    setSyncCursor(db, 0);
    deleteMeta(db, metaKeys.syncEpoch);
    deleteMeta(db, metaKeys.lastSyncedAt);
    return [...new Set([...requeued, ...adopted])];
  });
}

/** Forgets the token; local notes and pending changes stay. `expired`: the server ended it, not the user. */
export function dropSession(db: Db, expired: boolean): void {
  inTransaction(db, () => {
    deleteMeta(db, keys.session);
    if (expired) setMeta(db, keys.expired, '1');
    else deleteMeta(db, keys.expired);
  });
}
