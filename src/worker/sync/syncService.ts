// The account and sync part of the NotesApi (api.ts): sign-up, sign-in, sign-out, status and its
// subscriptions, and the page's sync hints. The engine is made once the database is open, in the
// worker that owns it; a worker that does not own the database has nothing to sync.

import * as v from 'valibot';
import type { SyncNowReason, SyncStatus } from '../api';
import { assertMayUse, dropSession, readSession, saveSession } from './account';
import type { AuthClient } from './authClient';
import { parseCredentials } from './authClient';
import { Subscribers } from '../tabs/changeHub';
import { ValidationError } from '../errors';
import type { NotesService } from '../notes/notesService';
import { SyncEngine, type SyncEngineEnv } from './syncEngine';
import { parseInput } from '../validation';

export interface SyncServiceEnv extends SyncEngineEnv {
  readonly auth: AuthClient;
  /** Subscribes to the platform's online/offline events (the worker's `online`/`offline`). */
  readonly onlineEvents?: (listener: (online: boolean) => void) => void;
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
