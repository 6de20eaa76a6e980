// Retry delays after failed sync cycles: exponential from 1 s to 60 s with jitter, so that many
// devices coming back at once (a server restart) do not retry in lockstep. Random is injected.

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** Delay before retry number `attempt` (1 = first retry): uniform in [cap/2, cap]. */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
