// Password checks as the routes use them: every scrypt call behind one Gate (bounded concurrency,
// bounded queue), the dummy verification for unknown users, and whether a stored hash should be
// remade with today's parameters after a successful sign-in.

import { hashParams, hashPassword, paramsFor, verifyAgainstNothing, verifyPassword, weakerThan } from '../auth';
import { Gate } from './gate';

export interface PasswordCheck {
  readonly ok: boolean;
  /** The hash was made with weaker parameters than new hashes get: store a fresh one. */
  readonly rehash: boolean;
}

export interface Passwords {
  hash(password: string): Promise<string>;
  /** Against the user's hash, or (user unknown) against a dummy one, for the same cost. */
  check(password: string, stored: string | undefined): Promise<PasswordCheck>;
}

export interface PasswordOptions {
  /** log2 of scrypt's N for new hashes (r=8, p=1). */
  readonly scryptLogN: number;
  readonly concurrency: number;
  readonly queue: number;
}

/** The real thing. Throws GateFullError (gate.ts) when too many checks are already waiting. */
export function scryptPasswords(o: PasswordOptions): Passwords {
  const gate = new Gate(o.concurrency, o.queue);
  const target = paramsFor(o.scryptLogN);
  return {
    hash: (password) => gate.run(() => hashPassword(password, o.scryptLogN)),
    check: (password, stored) =>
      gate.run(async () => {
        if (stored === undefined) return { ok: await verifyAgainstNothing(password, o.scryptLogN), rehash: false };
        const ok = await verifyPassword(password, stored);
        const params = hashParams(stored);
        return { ok, rehash: ok && params !== undefined && weakerThan(params, target) };
      }),
  };
}
