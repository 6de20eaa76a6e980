// The sign-in and sign-up limits (DESIGN.md section 7). A point is taken before the password is
// hashed, atomically (limiters.ts), so 200 concurrent guesses cost at most LOGIN_MAX_ATTEMPTS
// hashes, not 200. Three counters, narrowest first:
// - account and address: a guesser at one address gets a few tries per window; the owner at
//   another address is untouched by them;
// - address: one address spraying many accounts;
// - account: guessers spread over many addresses. Refusals carry Retry-After and every counter
//   empties with its window: the worst an attacker can do to the owner is make them wait, never
//   lock them out for hours.
// A successful sign-in gives its points back, so the owner's own sign-ins never count against them.

import type { AppConfig } from '../config';
import { addressKey } from './clientAddress';
import type { Limiter, LimiterFactory } from './limiters';

export type LimitScope = 'account_address' | 'address' | 'account' | 'register';

export interface Refusal {
  readonly refused: LimitScope;
  readonly retryAfterMs: number;
}

export interface Attempt {
  readonly refused?: undefined;
  /** The password was right: give the attempt back. */
  succeeded(): Promise<void>;
}

export interface AuthLimits {
  signIn(username: string, address: string): Promise<Attempt | Refusal>;
  register(address: string): Promise<Refusal | null>;
}

type LimitConfig = Pick<
  AppConfig,
  'loginMaxAttempts' | 'loginMaxPerAccount' | 'loginMaxPerAddress' | 'loginWindowMs' | 'registerMaxPerWindow' | 'registerWindowMs'
>;

export function authLimits(make: LimiterFactory, config: LimitConfig): AuthLimits {
  const windowMs = config.loginWindowMs;
  const counters: readonly [LimitScope, Limiter][] = [
    ['account_address', make({ name: 'signin_account_address', points: config.loginMaxAttempts, windowMs })],
    ['address', make({ name: 'signin_address', points: config.loginMaxPerAddress, windowMs })],
    ['account', make({ name: 'signin_account', points: config.loginMaxPerAccount, windowMs })],
  ];
  const registrations = make({ name: 'register_address', points: config.registerMaxPerWindow, windowMs: config.registerWindowMs });

  return {
    async signIn(username, address) {
      const account = username.toLowerCase();
      const where = addressKey(address);
      const keys: Record<LimitScope, string> = { account_address: `${account}|${where}`, address: where, account, register: where };
      for (const [scope, limiter] of counters) {
        const verdict = await limiter.consume(keys[scope]);
        if (!verdict.allowed) return { refused: scope, retryAfterMs: verdict.retryAfterMs };
      }
      return {
        succeeded: async () => {
          for (const [scope, limiter] of counters) {
            await (scope === 'account_address' ? limiter.reset(keys[scope]) : limiter.reward(keys[scope]));
          }
        },
      };
    },
    async register(address) {
      const verdict = await registrations.consume(addressKey(address));
      return verdict.allowed ? null : { refused: 'register', retryAfterMs: verdict.retryAfterMs };
    },
  };
}
