// Runs sync in the worker that owns the database (DESIGN.md section 5): a SyncScheduler decides when,
// runSyncCycle does one cycle over the worker store and the HTTP transport, and the live event
// stream, a 30 s interval, local writes and the page's hints (focus, visibility, online) trigger it.
// It also owns the phase shown by "Sync status":
// - no session: local-only (pending changes wait; nothing is lost);
// - a cycle running: syncing. Not for background cycles with nothing to upload once synced (the
//   interval, live events), and while offline or failing the status stays offline/error until a
//   cycle succeeds: "Synced" and "Offline" do not flicker every 30 s;
// - success: synced (lastSyncedAt kept in meta);
// - no answer from the server: offline; a 401: the session ends (token dropped, sessionExpired, local
//   data and pending actions kept; a 401 saying account_deleted also frees the device for any
//   account, see account.ts forgetAccount); any other failure: error, with the reason (a refusal
//   for a limit, e.g. storage_full, keeps everything pending). Failures retry with the
//   scheduler's backoff, except a 401, which waits for the user to sign in again.
// A cycle that left snapshots due (a catch-up's, a slice a cycle) is followed by another at once.
// The live stream ending (its session may have ended elsewhere) triggers a cycle at once, so a
// device signed out by another one (password change, sign out everywhere, deletion) knows at once.
// Every status change is published (hooks.status), and pulled changes reach the pages (hooks.changed),
// batched per cycle (changeBatch.ts) so a catch-up of hundreds of pages is not hundreds of list reads.

import type { BackoffPolicy } from '../../sync/cycle/backoff';
import { SyncScheduler, type SyncTrigger, type Timers } from '../../sync/cycle/scheduler';
import { runSyncCycle, type SyncCycleOptions, type SyncStore } from '../../sync/cycle/syncCycle';
import { httpTransport, SyncError, type FetchLike, type Transport } from '../../sync/cycle/transport';
import { countPendingActions } from '../store/actionLog';
import type { SyncStatus } from '../api';
import { dropSession, forgetAccount, readSession, type Session } from './account';
import type { LiveEvents, OpenLiveEvents } from './liveEvents';
import { setLastSyncedAt } from '../db/meta';
import type { Store } from '../store/store';
import { readSyncStatus, type EnginePhase } from './syncStatus';
import { reasonOf } from './syncFailure';
import { workerSyncStore, type WorkerSyncOptions } from './syncStore';
import { changeBatch, type ChangeBatch } from './changeBatch';

export interface SyncEngineEnv {
  /** The server's origin (the app's own, in the browser). */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timers: Timers;
  readonly random: () => number;
  /** Opens the live event stream of a session; absent: the interval and triggers suffice. */
  readonly openEvents?: OpenLiveEvents;
  readonly intervalMs?: number;
  readonly writeDebounceMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly cycle?: SyncCycleOptions;
  /** When entities are snapshotted, and how many at a time (syncStore.ts); the app's defaults if absent. */
  readonly compaction?: WorkerSyncOptions;
}

export interface SyncEngineHooks {
  /** Entities whose visible state changed (pulled, acknowledged, re-stamped). */
  readonly changed: (entityIds: readonly string[]) => void;
  readonly status: (status: SyncStatus) => void;
}

interface Running {
  readonly session: Session;
  readonly transport: Transport;
  readonly scheduler: SyncScheduler;
  events: LiveEvents | null;
  interval: unknown;
  stopped: boolean;
}

export const SYNC_INTERVAL_MS = 30_000;

export class SyncEngine {
  private running: Running | null = null;
  private phase: EnginePhase = { state: 'syncing', error: null };
  private lastPublished = '';
  private publishQueued = false;
  /** The last cycle started: a new session's first cycle waits for a stopped session's last one. */
  private lastCycle: Promise<unknown> = Promise.resolve();
  private readonly syncStore: SyncStore;
  private readonly changes: ChangeBatch;

  constructor(
    private readonly store: Store,
    private readonly hooks: SyncEngineHooks,
    private readonly env: SyncEngineEnv,
  ) {
    this.changes = changeBatch((ids) => hooks.changed(ids), env.timers, () => store.wallNow());
    this.syncStore = workerSyncStore(
      store,
      (ids) => {
        this.changes.add(ids);
        this.publishSoon();
      },
      env.compaction,
    );
  }

  status(): SyncStatus {
    return readSyncStatus(this.store.db, this.running ? this.phase : null);
  }

  /** (Re)starts syncing with the stored session, if any: at app start and after signing in. */
  start(): void {
    this.halt();
    const session = readSession(this.store.db);
    if (session) this.running = this.run(session);
    this.publish();
  }

  /** Stops syncing (signed out); local data stays. */
  stop(): void {
    this.halt();
    this.publish();
  }

  trigger(reason: SyncTrigger): void {
    this.running?.scheduler.trigger(reason);
  }

  /** After a committed local write: upload soon (debounced), and count it as pending. */
  localWrite(): void {
    this.trigger('write');
    this.publishSoon();
  }

  /** Re-read what the status shows from the database (after a change that uploads nothing). */
  refreshStatus(): void {
    this.publishSoon();
  }

  /** The browser's online/offline events. */
  setOnline(online: boolean): void {
    if (!this.running) return;
    if (online) {
      this.trigger('online');
    } else {
      this.phase = { state: 'offline', error: null };
      this.publish();
    }
  }

  /** Resolves when no cycle runs or waits (tests, orderly shutdown). */
  idle(): Promise<void> {
    return this.running?.scheduler.idle() ?? Promise.resolve();
  }

  private run(session: Session): Running {
    const run: Running = {
      session,
      transport: httpTransport({
        baseUrl: this.env.baseUrl,
        fetch: this.env.fetch,
        // A stopped session's cycle may still be in flight: it must not use the token any more.
        token: () => (run.stopped ? null : session.token),
      }),
      scheduler: new SyncScheduler({
        run: async () => {
          // One cycle at a time per database, even across a sign-out and sign-in.
          const cycle = this.lastCycle.then(() => {
            // What the last cycle pulled (and the local writes since) goes from the WAL back into the
            // database before this one uploads: a pulled page's commit never pays it (pragmas.ts).
            this.store.checkpoint();
            this.changes.begin();
            return runSyncCycle(this.store.clientId, this.syncStore, run.transport, this.env.cycle);
          });
          this.lastCycle = cycle.catch(() => undefined);
          try {
            // The snapshots of a catch-up go a slice a cycle (syncStore.ts): the next cycle at once,
            // after this one has ended (and said "Synced"), until none are due.
            const result = await cycle;
            if (result.compactionDue && this.current(run)) run.scheduler.trigger('compaction');
          } finally {
            this.changes.flush();
          }
        },
        timers: this.env.timers,
        random: this.env.random,
        shouldRetry: (e) => !(e instanceof SyncError && e.kind === 'unauthorized'),
        retryAfterMs: (e) => (e instanceof SyncError ? e.details.retryAfterMs : undefined),
        onStart: () => this.current(run) && this.cycleStarted(),
        onSuccess: () => this.current(run) && this.cycleSucceeded(run),
        onFailure: (e) => this.current(run) && this.cycleFailed(e),
        ...(this.env.writeDebounceMs === undefined ? {} : { writeDebounceMs: this.env.writeDebounceMs }),
        ...(this.env.backoff === undefined ? {} : { backoff: this.env.backoff }),
      }),
      events: null,
      interval: null,
      stopped: false,
    };
    this.phase = { state: 'syncing', error: null };
    this.openEvents(run);
    this.armInterval(run);
    run.scheduler.trigger('start');
    return run;
  }

  private current(run: Running): boolean {
    return this.running === run && !run.stopped;
  }

  private halt(): void {
    const run = this.running;
    if (!run) return;
    this.running = null;
    run.stopped = true;
    this.changes.flush();
    run.scheduler.stop();
    if (run.interval !== null) this.env.timers.clear(run.interval);
    run.events?.close();
  }

  private cycleStarted(): void {
    if (this.phase.state === 'offline' || this.phase.state === 'error') return;
    if (this.phase.state === 'synced' && countPendingActions(this.store.db) === 0) return;
    this.setPhase({ state: 'syncing', error: null });
  }

  private cycleSucceeded(run: Running): void {
    setLastSyncedAt(this.store.db, this.store.wallNow());
    if (run.events?.closed) this.openEvents(run);
    this.setPhase({ state: 'synced', error: null });
  }

  private cycleFailed(e: unknown): void {
    if (e instanceof SyncError && e.kind === 'unauthorized') {
      if (e.details.code === 'account_deleted') this.hooks.changed(forgetAccount(this.store));
      else dropSession(this.store.db, true);
      this.stop();
      return;
    }
    if (e instanceof SyncError && e.kind === 'network') this.setPhase({ state: 'offline', error: null });
    else this.setPhase({ state: 'error', error: reasonOf(e), code: e instanceof SyncError ? (e.details.code ?? null) : null });
  }

  private setPhase(phase: EnginePhase): void {
    this.phase = phase;
    this.publish();
  }

  private openEvents(run: Running): void {
    if (!this.env.openEvents) return;
    run.events?.close();
    run.events = this.env.openEvents(run.session.token, {
      onHead: (head) => {
        if (this.current(run) && head !== this.store.syncCursor) run.scheduler.trigger('event');
      },
      onLost: () => {
        if (this.current(run)) run.scheduler.trigger('event');
      },
    });
  }

  private armInterval(run: Running): void {
    run.interval = this.env.timers.set(() => {
      if (!this.current(run)) return;
      // While offline or failing, the backoff decides when to try again.
      if (this.phase.state === 'synced' || this.phase.state === 'syncing') run.scheduler.trigger('interval');
      this.armInterval(run);
    }, this.env.intervalMs ?? SYNC_INTERVAL_MS);
  }

  /**
   * Publishes once the caller's synchronous work is done, not inside it: a write answers without
   * waiting for the status read, and a burst of writes (or a pulled page's several change reports)
   * reads and sends the status once. The read is still fresh, so the status never lags a commit.
   */
  private publishSoon(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(() => {
      this.publishQueued = false;
      this.publish();
    });
  }

  private publish(): void {
    let status: SyncStatus;
    try {
      status = this.status();
    } catch {
      return; // The database is gone (worker shutting down): nobody to tell.
    }
    const key = JSON.stringify(status);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    this.hooks.status(status);
  }
}
