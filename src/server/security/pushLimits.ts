// Per-account limits on pushes: how many a minute (shared by every instance on PostgreSQL) and how
// many at once on this instance. A refusal is a 429 with Retry-After and writes nothing: the client
// keeps the actions pending and pushes them again later. So is a push the database could not lock
// or finish in time (PostgreSQL's lock_timeout / statement_timeout).

import type { MiddlewareHandler } from 'hono';
import { clientAddress, retryLater, type AppContext, type AppEnv } from '../http';
import { StoreBusyError } from '../store/types';
import { securityEvent } from './securityLog';

export function accountLimit(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const guards = c.get('guards');
    const { userId } = c.get('session');
    const refuse = (limit: string, code: 'rate_limited' | 'busy', message: string, retryAfterMs: number) => {
      securityEvent(guards.logger, 'limit_refused', { address: clientAddress(c), limit, userId });
      return retryLater(c, 429, code, message, retryAfterMs);
    };
    const release = guards.pushesInFlight.take(userId);
    if (!release) return refuse('concurrent_pushes', 'busy', 'this account has too many pushes in progress; try again shortly', 1_000);
    try {
      const verdict = await guards.pushRate.consume(userId);
      if (!verdict.allowed) return refuse('pushes_per_minute', 'rate_limited', 'too many pushes from this account; try again later', verdict.retryAfterMs);
      await next();
    } finally {
      release();
    }
  };
}

/** Runs the store's push; a busy database becomes a 429 busy. */
export async function pushRefusal<T>(c: AppContext, push: () => Promise<T>): Promise<T | Response> {
  try {
    return await push();
  } catch (e) {
    if (!(e instanceof StoreBusyError)) throw e;
    securityEvent(c.get('guards').logger, 'limit_refused', { address: clientAddress(c), limit: 'database_busy', userId: c.get('session').userId });
    return retryLater(c, 429, 'busy', 'the server could not store this push in time; try again shortly', 1_000);
  }
}
