// One tab's worker among all the tabs of the app: the NotesApi its page talks to, the same whichever
// role the worker has.
// - Every worker queues for the owner lock (ownership.ts). Until it gets it, it is a follower: each
//   call from its page gets a request id (rpc.ts) and is sent to the leader over the tab channel
//   (tabChannel.ts); change and status events from the leader go to its page's subscribers.
// - The worker that gets the lock opens the database (LeaderServices, made by the injected opener),
//   becomes the leader (leader.ts), runs its page's calls directly and serves the other tabs.
// - Handoff: when the leader's worker ends, the next worker in line gets the lock, opens the
//   database and announces itself; every follower re-sends the calls the new leader has not seen
//   (the ones in flight at the handoff). Writes carry the action id made in the page, so a write
//   the old leader committed but never answered is applied once. A follower whose calls go
//   unanswered for a while asks again who leads (a lost or stale announcement cannot strand it).
// - open() resolves once a leader has answered, with the leader's storage kind and client id; if
//   none answers in `waitForLeaderMs` it says 'locked' (the page says it is waiting, and asks again).
// Page subscriptions (subscribe, subscribeStatus) live here, in the page's own worker: they are
// Comlink proxies into that page, which cannot cross to another tab.

import type { ChangeEvent, NotesApi, OpenResult, SyncStatus } from '../api';
import { ChangeHub, Subscribers } from './changeHub';
import { ValidationError } from '../errors';
import { Leader, type LeaderServices } from './leader';
import { waitForOwnership, type LockRequester, type Ownership } from './ownership';
import { CallBook, type OutgoingCall } from './rpc';
import { fromWireError, toWireError, type LeaderInfo, type TabChannel, type TabMessage } from './tabChannel';
import { parseInput, SubscriptionIdSchema } from '../validation';

export interface NodeTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface TabNodeDeps {
  /** This worker's id on the channel (a UUID). */
  readonly id: string;
  readonly channel: TabChannel;
  readonly locks: LockRequester | undefined;
  /** Opens the database and starts sync: called once, when this worker owns the lock. */
  readonly openLeader: () => Promise<LeaderServices>;
  readonly timers: NodeTimers;
  readonly now: () => number;
  /** open() answers 'locked' when no leader has answered for this long. */
  readonly waitForLeaderMs?: number;
  /** A call unanswered for this long makes the worker ask again who leads. */
  readonly askAgainMs?: number;
}

export const WAIT_FOR_LEADER_MS = 6_000;
export const ASK_AGAIN_MS = 2_000;
/** How long open() waits without saying 'locked' while this worker itself is opening the database. */
export const OWNER_OPENING_MS = 30_000;

type Target =
  | { readonly kind: 'remote'; readonly id: string; readonly info: LeaderInfo }
  | { readonly kind: 'local'; readonly leader: Leader; readonly opened: OpenResult }
  | { readonly kind: 'failed'; readonly error: Error };

export type Role = 'leader' | 'follower';

export class TabNode {
  /** What Comlink exposes to the page. */
  readonly api: NotesApi;
  private readonly book = new CallBook();
  private readonly changes = new ChangeHub();
  private readonly statuses = new Subscribers<SyncStatus>(this.changes.nextId);
  private statusesHeard = 0;
  private target: Target | null = null;
  private sawLeader = false;
  private ownership: Ownership | null = null;
  private ownedSince: number | null = null;
  private stopped = false;
  private askTimer: unknown = null;
  private readonly targetWaiters = new Set<() => void>();

  constructor(private readonly deps: TabNodeDeps) {
    const local: Record<string, unknown> = {
      open: () => this.open(),
      subscribe: (listener: unknown) => this.subscribe(listener),
      unsubscribe: (id: unknown) => this.unsubscribe(id),
      subscribeStatus: (listener: unknown) => this.subscribeStatus(listener),
    };
    // Every other method is forwarded by name, so methods added to api.ts work in every role as
    // soon as the leader's NotesApi has them; the leader refuses names it does not know.
    this.api = new Proxy({} as NotesApi, {
      get: (_target, prop) => {
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return local[prop] ?? ((...args: unknown[]) => this.call(prop, args));
      },
    });
  }

  /** Joins the tabs: asks who leads, and queues for the lock. */
  start(): void {
    this.deps.channel.listen((m) => this.onMessage(m));
    this.deps.channel.post({ type: 'hello', from: this.deps.id });
    void this.campaign().catch((e: unknown) => console.error('notes: leader election failed', e));
  }

  get role(): Role {
    return this.target?.kind === 'local' ? 'leader' : 'follower';
  }

  /** Leaves the tabs as a worker that ends would (tests; the browser just terminates workers). */
  stop(): void {
    this.stopped = true;
    if (this.askTimer !== null) this.deps.timers.clear(this.askTimer);
    this.askTimer = null;
    this.deps.channel.close();
    this.ownership?.release();
  }

  /** Runs one NotesApi call wherever the database is. */
  call(method: string, args: readonly unknown[]): Promise<unknown> {
    const { result } = this.book.add(method, args, this.deps.now());
    this.flush();
    return result;
  }

  private async campaign(): Promise<void> {
    const ownership = await waitForOwnership(this.deps.locks);
    if (this.stopped) {
      ownership.release();
      return;
    }
    this.ownership = ownership;
    this.ownedSince = this.deps.now();
    // Whoever led before has ended (that is how the lock came free); calls wait for us now.
    const takeover = this.sawLeader;
    this.target = null;
    let services: LeaderServices;
    try {
      services = await this.deps.openLeader();
    } catch (e) {
      console.error('notes: the database could not be opened', e);
      // The lock is kept: the next tab in line would fail the same way. Every tab shows the error.
      this.deps.channel.post({ type: 'leader-failed', leaderId: this.deps.id, error: toWireError(e) });
      this.setTarget({ kind: 'failed', error: e instanceof Error ? e : new Error(String(e)) });
      return;
    }
    if (this.stopped) return;
    const leader = new Leader(this.deps.id, services, this.deps.channel, {
      change: (event) => this.changes.emit(event),
      status: (status) => this.hearStatus(status),
    });
    leader.start(takeover);
    this.setTarget({ kind: 'local', leader, opened: services.opened });
  }

  private setTarget(target: Target): void {
    this.target = target;
    this.flush();
    for (const wake of [...this.targetWaiters]) wake();
  }

  /** Sends every call the current leader has not seen yet. */
  private flush(): void {
    const t = this.target;
    if (!t) {
      this.armAskAgain();
      return;
    }
    if (t.kind === 'failed') {
      this.book.failAll(t.error);
      return;
    }
    if (t.kind === 'local') {
      for (const c of this.book.due(this.deps.id)) void t.leader.run(c.method, c.args).then((outcome) => this.book.settle(c.id, outcome));
      return;
    }
    for (const c of this.book.due(t.id)) this.send(c);
    this.armAskAgain();
  }

  private send(c: OutgoingCall): void {
    const sent = this.deps.channel.post({ type: 'request', from: this.deps.id, id: c.id, method: c.method, args: [...c.args] });
    if (!sent) this.book.settle(c.id, { ok: false, error: new ValidationError(`${c.method}: its arguments could not be passed to the tab that holds the notes`) });
  }

  /** While calls wait on another tab, ask now and then who leads (only a live leader answers). */
  private armAskAgain(): void {
    if (this.askTimer !== null || this.stopped || this.book.size === 0) return;
    const every = this.deps.askAgainMs ?? ASK_AGAIN_MS;
    this.askTimer = this.deps.timers.set(() => {
      this.askTimer = null;
      if (this.stopped || this.target?.kind === 'local' || this.book.size === 0) return;
      const oldest = this.book.oldestSince();
      if (oldest !== null && this.deps.now() - oldest >= every) this.deps.channel.post({ type: 'hello', from: this.deps.id });
      this.armAskAgain();
    }, every);
  }

  private onMessage(m: TabMessage): void {
    if (this.stopped) return;
    switch (m.type) {
      case 'leader':
        // Holding the lock, we are the only leader: this is an announcement from one that has ended.
        if (this.ownership) return;
        this.sawLeader = true;
        if (this.target?.kind === 'remote' && this.target.id === m.leaderId) return;
        this.setTarget({ kind: 'remote', id: m.leaderId, info: m.info });
        return;
      case 'leader-failed':
        if (this.ownership) return;
        this.sawLeader = true;
        this.setTarget({ kind: 'failed', error: fromWireError(m.error) });
        return;
      case 'hello':
        if (this.ownership && this.target?.kind === 'failed') {
          this.deps.channel.post({ type: 'leader-failed', leaderId: this.deps.id, error: toWireError(this.target.error) });
        }
        return;
      case 'result':
        if (m.to === this.deps.id) this.book.settle(m.id, { ok: true, value: m.value });
        return;
      case 'failure':
        if (m.to === this.deps.id) this.book.settle(m.id, { ok: false, error: fromWireError(m.error) });
        return;
      case 'change':
        if (!this.ownership) this.changes.emit({ entityIds: m.entityIds });
        return;
      case 'status':
        // Relayed as it came: the page checks every status (src/ui/workerSchemas.ts).
        if (!this.ownership) this.hearStatus(m.status as SyncStatus);
        return;
      case 'request':
        return; // the Leader serves requests
    }
  }

  private hearStatus(status: SyncStatus): void {
    this.statusesHeard++;
    this.statuses.emit(status);
  }

  private async open(): Promise<OpenResult> {
    const t = await this.leaderOrTimeout();
    if (!t) return { state: 'locked', storage: 'opfs', clientId: '' };
    if (t.kind === 'failed') throw t.error;
    if (t.kind === 'local') return { ...t.opened, role: 'leader' };
    return { state: 'ready', ...t.info, role: 'follower' };
  }

  /**
   * The leader, once one is known; null when none answers in time. While this worker itself owns
   * the lock and is opening the database (a big migration on a slow device), it waits longer: the
   * page would otherwise say another tab holds the notes.
   */
  private leaderOrTimeout(): Promise<Target | null> {
    if (this.target) return Promise.resolve(this.target);
    const waitMs = this.deps.waitForLeaderMs ?? WAIT_FOR_LEADER_MS;
    return new Promise((resolve) => {
      let timer: unknown = null;
      const wake = (): void => {
        this.targetWaiters.delete(wake);
        if (timer !== null) this.deps.timers.clear(timer);
        resolve(this.target);
      };
      const expire = (): void => {
        timer = null;
        if (this.ownedSince !== null && this.deps.now() - this.ownedSince < OWNER_OPENING_MS) {
          timer = this.deps.timers.set(expire, waitMs);
          return;
        }
        this.targetWaiters.delete(wake);
        resolve(null);
      };
      timer = this.deps.timers.set(expire, waitMs);
      this.targetWaiters.add(wake);
    });
  }

  private async subscribe(listener: unknown): Promise<number> {
    if (typeof listener !== 'function') throw new ValidationError('listener: must be a function (wrap it in Comlink.proxy)');
    return this.changes.subscribe(listener as (event: ChangeEvent) => void);
  }

  private async unsubscribe(id: unknown): Promise<void> {
    const n = parseInput(SubscriptionIdSchema, id, 'id');
    this.changes.unsubscribe(n);
    this.statuses.unsubscribe(n);
  }

  /** The listener hears the leader's current status at once, then every change. */
  private async subscribeStatus(listener: unknown): Promise<number> {
    if (typeof listener !== 'function') throw new ValidationError('listener: must be a function (wrap it in Comlink.proxy)');
    const id = this.statuses.subscribe(listener as (status: SyncStatus) => void);
    const heard = this.statusesHeard;
    try {
      const current = (await this.call('getSyncStatus', [])) as SyncStatus;
      // A status heard meanwhile is newer, and the listener has it already.
      if (this.statusesHeard === heard) this.statuses.tell(id, current);
    } catch (e) {
      this.statuses.unsubscribe(id);
      throw e;
    }
    return id;
  }
}
