// A fixed-window counter per key (username+address for logins, address for registrations), on an
// injected clock. In memory per process: behind a load balancer each instance limits on its own,
// which still bounds guessing to instances x limit.

import type { Clock } from './clock';

interface Window {
  start: number;
  count: number;
}

export interface Verdict {
  readonly allowed: boolean;
  /** When blocked, how long until the window resets. */
  readonly retryAfterMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly windowMs: number,
    /** Bound on remembered keys so a flood of distinct keys cannot exhaust memory. */
    private readonly maxKeys = 100_000,
  ) {}

  check(key: string): Verdict {
    const w = this.current(key);
    if (!w || w.count < this.max) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: w.start + this.windowMs - this.clock.now() };
  }

  hit(key: string): void {
    const now = this.clock.now();
    const w = this.current(key);
    if (w) w.count += 1;
    else {
      if (this.windows.size >= this.maxKeys) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (w && this.clock.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    // Still full of live windows: forget the oldest (Map keeps insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < this.maxKeys) break;
      this.windows.delete(key);
    }
  }
}
