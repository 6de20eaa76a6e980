// The account and sync part of the NotesApi (api.ts): sign-up, sign-in, sign-out, the account
// controls (change password, sign out everywhere, delete account), status and its subscriptions,
// and the page's sync hints. The engine is made once the database is open, in the
// worker that owns it; a worker that does not own the database has nothing to sync.

import * as v from 'valibot';
import type { SyncNowReason, SyncStatus } from '../api';
import { assertMayUse, dropSession, forgetAccount, readSession, saveSession, type Session } from './account';
import type { AuthClient } from './authClient';
import { parseCredentials, parseNewPassword } from './authClient';
import { Subscribers } from '../tabs/changeHub';
import { AuthError, ValidationError } from '../errors';
import type { NotesService } from '../notes/notesService';
import { SyncEngine, type SyncEngineEnv } from './syncEngine';
import { parseInput } from '../validation';
import type { Db } from '../db/sql';

export interface SyncServiceEnv extends SyncEngineEnv {
  readonly auth: AuthClient;
  /** Subscribes to the platform's online/offline events (the worker's `online`/`offline`). */
  readonly onlineEvents?: (listener: (online: boolean) => void) => void;
}

/** A password typed to prove who you are: only its length is checked here, the server checks the rest. */
function typedPassword(value: unknown, missing: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AuthError(missing);
  if (value.length > 256) throw new AuthError('That password is not right.');
  return value;
}

const SyncNowReasonSchema = v.picklist(['focus', 'visibility', 'online', 'offline', 'manual'] satisfies SyncNowReason[]);

export class SyncService {
  readonly statuses: Subscribers<SyncStatus>;
  private making: Promise<SyncEngine> | undefined;

  constructor(
    private readonly notes: NotesService,
    private readonly env: SyncServiceEnv,
  ) {
    this.statuses = new Subscribers<SyncStatus>(notes.changes.nextId);
  }

  /** Starts syncing if this device has a session (call once the database is open). */
  async start(): Promise<void> {
    await this.engine();
  }

  async register(username: string, password: string): Promise<SyncStatus> {
    const credentials = parseCredentials(username, password);
    const engine = await this.engine();
    const { db } = await this.notes.store();
    assertMayUse(db, { username: credentials.username });
    const session = await this.env.auth.register(credentials);
    return this.begin(engine, session);
  }

  async signIn(username: string, password: string): Promise<SyncStatus> {
    const credentials = parseCredentials(username, password);
    const engine = await this.engine();
    const { db } = await this.notes.store();
    assertMayUse(db, { username: credentials.username });
    const session = await this.env.auth.login(credentials);
    return this.begin(engine, session);
  }

  async signOut(): Promise<SyncStatus> {
    const engine = await this.engine();
    const { db } = await this.notes.store();
    const session = readSession(db);
    dropSession(db, false);
    engine.stop();
    // Best effort, in the background: signing out must work offline too.
    if (session) void this.env.auth.logout(session.token);
    return engine.status();
  }

  /** The server signs out every other session; this one keeps syncing. */
  async changePassword(currentPassword: unknown, newPassword: unknown): Promise<SyncStatus> {
    const current = typedPassword(currentPassword, 'Type your current password.');
    const next = parseNewPassword(newPassword);
    const { engine, session } = await this.signedIn();
    await this.env.auth.changePassword(session.token, current, next);
    return engine.status();
  }

  /** Every session ends on the server, this one too: local only here, notes and pending changes kept. */
  async signOutEverywhere(): Promise<SyncStatus> {
    const { engine, session, db } = await this.signedIn();
    await this.env.auth.signOutEverywhere(session.token);
    dropSession(db, false);
    engine.stop();
    return engine.status();
  }

  /** The account and its data are erased on the server; this device keeps its notes, local only, free for any account. */
  async deleteAccount(password: unknown): Promise<SyncStatus> {
    const typed = typedPassword(password, 'Type your password to delete the account.');
    const { engine, session } = await this.signedIn();
    await this.env.auth.deleteAccount(session.token, typed);
    const requeued = forgetAccount(await this.notes.store());
    engine.stop();
    this.notes.changes.publish(requeued);
    return engine.status();
  }

  async getSyncStatus(): Promise<SyncStatus> {
    return (await this.engine()).status();
  }

  async syncNow(reason: SyncNowReason): Promise<void> {
    const r = parseInput(SyncNowReasonSchema, reason, 'reason');
    const engine = await this.engine();
    if (r === 'online' || r === 'offline') engine.setOnline(r === 'online');
    else engine.trigger(r === 'manual' ? 'manual' : 'focus');
  }

  /** The listener hears the current status at once, then every change. */
  async subscribeStatus(listener: (status: SyncStatus) => void): Promise<number> {
    if (typeof listener !== 'function') throw new ValidationError('listener: must be a function (wrap it in Comlink.proxy)');
    const engine = await this.engine();
    const id = this.statuses.subscribe(listener);
    this.statuses.tell(id, engine.status());
    return id;
  }

  unsubscribeStatus(id: number): void {
    this.statuses.unsubscribe(id);
  }

  /** The engine, for tests and shutdown; made on first use once the database is open. */
  engine(): Promise<SyncEngine> {
    if (!this.making) {
      const making = this.make();
      this.making = making;
      // A locked or failed open may work later: let the next call try again.
      making.catch(() => {
        if (this.making === making) this.making = undefined;
      });
    }
    return this.making;
  }

  private async signedIn(): Promise<{ engine: SyncEngine; session: Session; db: Db }> {
    const engine = await this.engine();
    const { db } = await this.notes.store();
    const session = readSession(db);
    if (!session) throw new AuthError('Sign in first.');
    return { engine, session, db };
  }

  private async begin(engine: SyncEngine, session: { token: string; userId: string; username: string; expiresAt: number }): Promise<SyncStatus> {
    const { db } = await this.notes.store();
    try {
      saveSession(db, session);
    } catch (e) {
      // Signed in on the server as another account than the device's: do not leave that session open.
      void this.env.auth.logout(session.token);
      throw e;
    }
    engine.start();
    return engine.status();
  }

  private async make(): Promise<SyncEngine> {
    const store = await this.notes.store();
    const engine = new SyncEngine(store, { changed: (ids) => this.notes.changes.publish(ids), status: (s) => this.statuses.emit(s) }, this.env);
    this.notes.onLocalWrite((upload) => (upload ? engine.localWrite() : engine.refreshStatus()));
    this.env.onlineEvents?.((online) => engine.setOnline(online));
    engine.start();
    return engine;
  }
}
