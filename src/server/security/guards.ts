// The app's protections, made once per app from its deps and config, and handed to every route
// through the request context (c.get('guards')): where a request comes from, password checks
// behind the hashing gate, the sign-in limits, the per-account push and stream limits.

import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import { authLimits, type AuthLimits } from './authLimits';
import { clientAddressResolver, type ClientAddressOf } from './clientAddress';
import { memoryLimiters, type Limiter, type LimiterFactory } from './limiters';
import { LiveStreams } from './liveStreams';
import { scryptPasswords, type Passwords } from './passwords';
import { SessionCache } from './sessionCache';

/** At most `max` holders per key at once, on this instance. */
export class PerKeyCap {
  private readonly held = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** The release function, or null when the key already has `max` holders. */
  take(key: string): (() => void) | null {
    const n = this.held.get(key) ?? 0;
    if (n >= this.max) return null;
    this.held.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left === 0) this.held.delete(key);
      else this.held.set(key, left);
    };
  }
}

export interface Guards {
  readonly addressOf: ClientAddressOf;
  readonly passwords: Passwords;
  readonly auth: AuthLimits;
  readonly pushRate: Limiter;
  readonly pushesInFlight: PerKeyCap;
  readonly streams: LiveStreams;
  /** Sessions authenticated lately, for the push route (sessionCache.ts). */
  readonly sessions: SessionCache;
  readonly logger: Logger;
}

/** How long a push may skip the token lookup after one: its transaction checks the token anyway. */
export const SESSION_CACHE_MS = 60_000;
const SESSION_CACHE_MAX = 10_000;

/**
 * Pushes an instance takes from the shared per-minute count at once (leasedLimiter.ts): a twentieth
 * of the limit, at most 16, so what one instance holds unspent can refuse the account's pushes on
 * other instances at most 5% early. Small limits lease one at a time: every push asks, as before.
 */
export function pushLease(pushesPerMinute: number): number {
  return Math.max(1, Math.min(16, Math.floor(pushesPerMinute / 20)));
}

export interface GuardDeps {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Where the counters live (backend.ts); this process's memory when absent. */
  readonly limiters?: LimiterFactory;
  /** Password hashing; scrypt behind the gate when absent (tests inject a counting or slow one). */
  readonly passwords?: Passwords;
}

export function createGuards(deps: GuardDeps): Guards {
  const { config } = deps;
  const make = deps.limiters ?? memoryLimiters;
  return {
    addressOf: clientAddressResolver(config.trustProxy),
    passwords:
      deps.passwords ?? scryptPasswords({ scryptLogN: config.scryptLogN, concurrency: config.hashConcurrency, queue: config.hashQueue }),
    auth: authLimits(make, config),
    pushRate: make({ name: 'push_account', points: config.pushesPerMinute, windowMs: 60_000, lease: pushLease(config.pushesPerMinute) }),
    pushesInFlight: new PerKeyCap(config.concurrentPushes),
    streams: new LiveStreams(),
    sessions: new SessionCache(SESSION_CACHE_MS, SESSION_CACHE_MAX),
    logger: deps.logger,
  };
}
