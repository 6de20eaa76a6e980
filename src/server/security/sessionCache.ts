// Sessions this instance authenticated lately, by token hash, so a push does not pay a token lookup
// before it may start. Only the push route reads it, and a push checks its token again inside its own
// transaction (PushInput.tokenHash): a token signed out, capped away or expired on any instance stops
// pushing at once, whatever this cache still holds. Ended sessions are also dropped here as the bus
// announces them, so the cache does not keep what is known to be gone.

import type { SessionsEnded } from '../bus/bus';
import type { TokenRecord } from '../store/types';

interface Entry {
  readonly record: TokenRecord;
  readonly until: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The session of `hash` if it was seen within ttlMs and has not expired at `now`. */
  get(hash: string, now: number): TokenRecord | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= now || entry.record.expiresAt <= now) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.record;
  }

  set(hash: string, record: TokenRecord, now: number): void {
    this.entries.delete(hash);
    // The oldest first: a Map iterates in insertion order.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { record, until: now + this.ttlMs });
  }

  forget(hash: string): void {
    this.entries.delete(hash);
  }

  end(ended: SessionsEnded): void {
    if ('tokenHash' in ended) return this.forget(ended.tokenHash);
    for (const [hash, entry] of this.entries) {
      if (entry.record.userId === ended.userId && hash !== ended.except) this.entries.delete(hash);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
