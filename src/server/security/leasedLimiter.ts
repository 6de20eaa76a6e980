// A shared counter read ahead: an instance takes `lease` points of a key's window from the database
// in one upsert and hands them out from memory, so a consume costs a round trip to the database once
// per lease instead of once per request. Used for pushes, where that round trip was a whole extra
// hop (server -> database -> server) in front of every push.
//
// The count in the database is the same arithmetic as rate-limiter-flexible's (RateLimiterPostgres:
// points added, the window restarted once its expire has passed, refused points counted too): a
// lease of k is k consumes at once, and only the ones within the limit are granted. So the points
// granted by all instances together never exceed the limit in a window. What a lease costs: points an
// instance took and did not spend count against the others until the window ends (at most one lease
// per instance and key); the lease is kept small against the limit (guards.ts).

import type { Limiter, Verdict } from './limiters';

export type Upsert = readonly [key: string, points: number, expire: number | null, now: number];
export type UpsertFn = (upsert: Upsert) => Promise<{ readonly points: number; readonly expire: string | null }>;

export interface LeaseSpec {
  readonly name: string;
  readonly points: number;
  readonly windowMs: number;
  readonly lease: number;
}

interface Held {
  left: number;
  readonly expire: number;
}

export interface LeasedLimiter extends Limiter {
  /** Keys this instance holds a lease or a refusal for (expired ones go within a window). */
  readonly tracked: () => number;
}

export function leasedLimiter(spec: LeaseSpec, deps: { upsert: UpsertFn; remove(key: string): Promise<void>; fallback: Limiter; now?: () => number }): LeasedLimiter {
  const now = deps.now ?? Date.now;
  const held = new Map<string, Held>();
  const blocked = new Map<string, number>();
  const leasing = new Map<string, Promise<void>>();
  // Accounts that stop pushing would otherwise keep their entries for the life of the process:
  // once a window, the expired ones go.
  let nextSweep = now() + spec.windowMs;
  const sweep = (t: number): void => {
    if (t < nextSweep) return;
    nextSweep = t + spec.windowMs;
    for (const [k, h] of held) if (h.expire <= t) held.delete(k);
    for (const [k, until] of blocked) if (until <= t) blocked.delete(k);
  };
  const lease = async (k: string, t: number): Promise<void> => {
    const { points, expire } = await deps.upsert([k, spec.lease, t + spec.windowMs, t]);
    const until = expire === null ? t + spec.windowMs : Number(expire);
    const granted = Math.max(0, Math.min(spec.lease, spec.points - (points - spec.lease)));
    // A key past its limit is refused here without a round trip until its window ends.
    if (granted === 0) blocked.set(k, until);
    else held.set(k, { left: granted, expire: until });
  };
  const consume = async (key: string): Promise<Verdict> => {
    const k = `${spec.name}:${key}`;
    for (;;) {
      const t = now();
      sweep(t);
      const until = blocked.get(k);
      if (until !== undefined) {
        if (t < until) return { allowed: false, retryAfterMs: Math.max(1, until - t) };
        blocked.delete(k);
      }
      const h = held.get(k);
      if (h !== undefined && h.left > 0 && t < h.expire) {
        h.left--;
        return { allowed: true };
      }
      held.delete(k);
      // One lease per key in flight: the consumes that arrive meanwhile wait for it.
      let pending = leasing.get(k);
      if (pending === undefined) {
        pending = lease(k, t).finally(() => leasing.delete(k));
        leasing.set(k, pending);
      }
      try {
        await pending;
      } catch {
        // The database unreachable: this instance still limits on its own rather than letting all through.
        return deps.fallback.consume(key);
      }
    }
  };
  return {
    tracked: () => held.size + blocked.size,
    consume,
    reward: async (key) => {
      const k = `${spec.name}:${key}`;
      const h = held.get(k);
      if (h !== undefined && now() < h.expire) h.left++;
      else await deps.upsert([k, -1, now() + spec.windowMs, now()]);
    },
    reset: async (key) => {
      const k = `${spec.name}:${key}`;
      held.delete(k);
      blocked.delete(k);
      await deps.remove(k);
    },
  };
}
