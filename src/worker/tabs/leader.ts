// The leader's side of the tab protocol (tabChannel.ts): the worker holding the owner lock has the
// database open (its LeaderServices) and serves every other tab's worker from it. It announces
// itself (and again to every `hello`), runs forwarded calls once each (rpc.ts Answered) and answers
// the caller, and broadcasts each committed change and each new sync status to all tabs.

import type { ChangeEvent, NotesApi, OpenResult, SyncStatus } from '../api';
import { ValidationError } from '../errors';
import { Answered, type Outcome } from './rpc';
import { changeMessage, toWireError, type LeaderInfo, type TabChannel, type TabMessage } from './tabChannel';

/** What the leader runs: the database's NotesApi and its event sources, made once it owns the lock. */
export interface LeaderServices {
  readonly api: NotesApi;
  /** What its own open() said (storage kind, client id, warning). */
  readonly opened: OpenResult;
  /** Every committed change, whoever made it (local writes, pulled pages). */
  onChange(listener: (event: ChangeEvent) => void): void;
  onStatus(listener: (status: SyncStatus) => void): void;
}

/** Methods each worker answers itself for its own page: never forwarded, never run for another tab. */
export const LOCAL_METHODS: ReadonlySet<string> = new Set(['open', 'subscribe', 'unsubscribe', 'subscribeStatus']);

/** Runs one NotesApi call by name; an unknown or page-local method is a ValidationError. */
export async function runMethod(api: NotesApi, method: string, args: readonly unknown[]): Promise<Outcome> {
  const fn: unknown = Object.hasOwn(api, method) && !LOCAL_METHODS.has(method) ? (api as unknown as Record<string, unknown>)[method] : undefined;
  if (typeof fn !== 'function') return { ok: false, error: new ValidationError(`method: the notes worker has no ${method}`) };
  try {
    return { ok: true, value: await (fn as (...a: readonly unknown[]) => unknown)(...args) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** What this worker's own page hears (its subscriptions live in its TabNode). */
export interface PageEvents {
  change(event: ChangeEvent): void;
  status(status: SyncStatus): void;
}

export function leaderInfo(opened: OpenResult): LeaderInfo {
  return { storage: opened.storage, clientId: opened.clientId, ...(opened.warning === undefined ? {} : { warning: opened.warning }) };
}

export class Leader {
  private readonly answered = new Answered();

  constructor(
    private readonly id: string,
    private readonly services: LeaderServices,
    private readonly channel: TabChannel,
    private readonly page: PageEvents,
  ) {}

  /**
   * Starts serving. After a takeover the tabs may have missed the last changes of the leader that
   * died (committed, never announced): every page is told every note changed, and re-reads.
   */
  start(takeover: boolean): void {
    this.channel.listen((m) => this.onMessage(m));
    this.services.onChange((event) => {
      this.page.change(event);
      this.channel.post(changeMessage(event));
    });
    this.services.onStatus((status) => this.publishStatus(status));
    this.announce();
    void this.greet(takeover);
  }

  /** A call from this worker's own page. */
  run(method: string, args: readonly unknown[]): Promise<Outcome> {
    return runMethod(this.services.api, method, args);
  }

  private async greet(takeover: boolean): Promise<void> {
    try {
      if (takeover) {
        const notes = await this.services.api.listNotes();
        const event: ChangeEvent = { entityIds: notes.map((n) => n.id) };
        this.page.change(event);
        this.channel.post(changeMessage(event));
      }
      this.publishStatus(await this.services.api.getSyncStatus());
    } catch (e) {
      console.warn('notes: the new leader could not refresh the other tabs', e);
    }
  }

  private publishStatus(status: SyncStatus): void {
    this.page.status(status);
    this.channel.post({ type: 'status', status });
  }

  private announce(): void {
    this.channel.post({ type: 'leader', leaderId: this.id, info: leaderInfo(this.services.opened) });
  }

  private onMessage(m: TabMessage): void {
    if (m.type === 'hello') this.announce();
    else if (m.type === 'request') void this.serve(m.from, m.id, m.method, m.args);
  }

  private async serve(from: string, id: number, method: string, args: readonly unknown[]): Promise<void> {
    const outcome = await this.answered.once(from, id, () => this.run(method, args));
    if (outcome.ok) {
      // An answer that cannot cross the channel must still end the call, or the caller waits forever.
      if (this.channel.post({ type: 'result', to: from, id, value: outcome.value })) return;
      this.channel.post({ type: 'failure', to: from, id, error: { name: 'Error', message: `The answer to ${method} could not be passed between tabs.` } });
    } else {
      this.channel.post({ type: 'failure', to: from, id, error: toWireError(outcome.error) });
    }
  }
}
