// When to run sync cycles: triggers coalesce into at most one running cycle plus one queued, local
// writes are debounced, failures retry with backoff, and `online` resets the backoff. A refusal that
// says when to come back (Retry-After on a 429 or 503) is honoured: no cycle starts before then,
// whatever triggers meanwhile. Timers and randomness are injected so tests drive time by hand.

import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

export type SyncTrigger = 'start' | 'online' | 'focus' | 'interval' | 'write' | 'event' | 'manual' | 'retry' | 'compaction';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface SchedulerDeps {
  /** One sync cycle; rejects on failure. */
  readonly run: () => Promise<void>;
  readonly timers: Timers;
  readonly random: () => number;
  /** After a failure: whether to retry automatically (false for e.g. signed out). */
  readonly shouldRetry: (error: unknown) => boolean;
  /** How long the server asked to wait after this failure (Retry-After), if it said. */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  readonly onStart?: () => void;
  readonly onSuccess?: () => void;
  readonly onFailure?: (error: unknown, retryInMs: number | null) => void;
  readonly writeDebounceMs?: number;
  readonly backoff?: BackoffPolicy;
}

/** The longest wait a Retry-After may impose: a misconfigured proxy must not park a device for days. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

export class SyncScheduler {
  private running = false;
  /** The retry timer is the server's Retry-After: triggers wait for it rather than cut it short. */
  private holding = false;
  private queued = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private writeTimer: unknown = null;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: SchedulerDeps) {}

  trigger(reason: SyncTrigger): void {
    if (this.stopped) return;
    if (reason === 'online') this.attempt = 0;
    if (reason === 'write') {
      if (this.writeTimer !== null) this.deps.timers.clear(this.writeTimer);
      this.writeTimer = this.deps.timers.set(() => {
        this.writeTimer = null;
        this.kick();
      }, this.deps.writeDebounceMs ?? 300);
      return;
    }
    this.kick();
  }

  /** Resolves when no cycle is running or queued (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (!this.running && !this.queued) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const t of [this.retryTimer, this.writeTimer]) if (t !== null) this.deps.timers.clear(t);
    this.retryTimer = this.writeTimer = null;
    this.holding = false;
  }

  private kick(): void {
    // The retry at the end of the hold runs a cycle, which serves whatever triggered meanwhile.
    if (this.holding) return;
    if (this.retryTimer !== null) {
      this.deps.timers.clear(this.retryTimer);
      this.retryTimer = null;
    }
    if (this.running) {
      this.queued = true;
      return;
    }
    void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    do {
      this.queued = false;
      this.deps.onStart?.();
      try {
        await this.deps.run();
        this.attempt = 0;
        this.deps.onSuccess?.();
      } catch (error) {
        this.queued = false;
        if (!this.stopped && this.deps.shouldRetry(error)) {
          this.attempt++;
          const backoff = backoffDelay(this.attempt, this.deps.random, this.deps.backoff ?? DEFAULT_BACKOFF);
          const told = this.deps.retryAfterMs?.(error);
          const asked = told !== undefined && Number.isFinite(told) && told > 0 ? Math.min(told, MAX_RETRY_AFTER_MS) : undefined;
          // Never sooner than the server asked, nor sooner than the backoff would have waited.
          const delay = asked === undefined ? backoff : Math.max(asked, backoff);
          this.holding = asked !== undefined;
          this.retryTimer = this.deps.timers.set(() => {
            this.retryTimer = null;
            this.holding = false;
            this.kick();
          }, delay);
          this.deps.onFailure?.(error, delay);
        } else {
          this.deps.onFailure?.(error, null);
        }
      }
    } while (this.queued && !this.stopped);
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
