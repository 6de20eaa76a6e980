// The bookkeeping of calls in flight between a tab's worker and the leader: pure, no channel, no
// timers. Each call gets a request id once and keeps it for every attempt; it is "due" for a leader
// until it has been sent to that leader, so a handoff re-sends exactly the calls the new leader has
// not seen, and the first answer settles a call (a late answer to an earlier attempt is dropped).
//
// Re-sending is safe because a write carries the action id made where the user acted (the store
// applies an action id once) and the leader remembers the answers it gave per caller and request id
// (Answered below), so even a call without an action id runs once per leader.

export interface OutgoingCall {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
  /** 1 on the first send, 2 after one handoff, ... */
  readonly attempt: number;
}

export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

interface Entry {
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly since: number;
  sentTo: string | null;
  attempts: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class CallBook {
  private nextId = 1;
  private readonly calls = new Map<number, Entry>();

  /** Records a call; `result` settles with the first outcome reported for it. */
  add(method: string, args: readonly unknown[], now = 0): { readonly id: number; readonly result: Promise<unknown> } {
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => {
      this.calls.set(id, { id, method, args, since: now, sentTo: null, attempts: 0, resolve, reject });
    });
    return { id, result };
  }

  /** The calls `target` has not been sent yet, oldest first; they count as sent to it from now on. */
  due(target: string): OutgoingCall[] {
    const out: OutgoingCall[] = [];
    for (const e of this.calls.values()) {
      if (e.sentTo === target) continue;
      e.sentTo = target;
      e.attempts++;
      out.push({ id: e.id, method: e.method, args: e.args, attempt: e.attempts });
    }
    return out;
  }

  /** Settles call `id`; false when it is not in flight (already answered, or never made here). */
  settle(id: number, outcome: Outcome): boolean {
    const e = this.calls.get(id);
    if (!e) return false;
    this.calls.delete(id);
    if (outcome.ok) e.resolve(outcome.value);
    else e.reject(outcome.error);
    return true;
  }

  /** Fails every call in flight (the leader could not open the notes at all). */
  failAll(error: unknown): void {
    for (const id of [...this.calls.keys()]) this.settle(id, { ok: false, error });
  }

  get size(): number {
    return this.calls.size;
  }

  /** When the oldest call in flight was made (the `now` given to add), or null when none is. */
  oldestSince(): number | null {
    let oldest: number | null = null;
    for (const e of this.calls.values()) if (oldest === null || e.since < oldest) oldest = e.since;
    return oldest;
  }
}

/**
 * The leader's memory of requests it has answered, per caller and request id, so a request that
 * reaches it twice (re-sent by a follower that saw a stale announcement) runs once and gets the same
 * answer. Bounded: the oldest are forgotten first; a follower re-sends only the few calls in flight
 * at a handoff, long before that many newer ones.
 */
export class Answered {
  private readonly outcomes = new Map<string, Promise<Outcome>>();

  constructor(private readonly capacity = 1_000) {}

  /** The outcome of running `run` for this request: remembered, or run now and remembered. */
  once(caller: string, id: number, run: () => Promise<Outcome>): Promise<Outcome> {
    const key = `${caller}#${id}`;
    const known = this.outcomes.get(key);
    if (known) return known;
    const outcome = run();
    this.outcomes.set(key, outcome);
    if (this.outcomes.size > this.capacity) {
      const oldest = this.outcomes.keys().next();
      if (!oldest.done) this.outcomes.delete(oldest.value);
    }
    return outcome;
  }
}
