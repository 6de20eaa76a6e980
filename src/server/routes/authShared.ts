// What the account routes share: reading a small JSON body, issuing tokens, checking a password
// behind the sign-in limits and the hashing gate, refusing in the protocol's words, and ending
// sessions (their live streams here and, through the bus, on every other instance).

import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { describeIssues, LIMITS, type AuthResponse } from '../../sync/protocol';
import { hashToken, newToken } from '../auth';
import type { SessionsEnded } from '../bus/bus';
import { apiError, clientAddress, readJson, retryLater, type AppContext, type AppDeps, type AppEnv } from '../http';
import { errorMessage } from '../logger';
import type { Refusal } from '../security/authLimits';
import { GateFullError } from '../security/gate';
import type { PasswordCheck } from '../security/passwords';
import { securityEvent } from '../security/securityLog';

export const authBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: LIMITS.maxAuthBytes,
  onError: (c) => apiError(c, 413, 'payload_too_large', `the request body is larger than ${LIMITS.maxAuthBytes} bytes`),
});

export async function readBody<T>(c: AppContext, schema: v.GenericSchema<unknown, T>): Promise<T | Response> {
  const body = await readJson(c);
  if (!body.ok) return apiError(c, 400, 'bad_request', body.message);
  const parsed = v.safeParse(schema, body.value);
  if (!parsed.success) return apiError(c, 400, 'bad_request', describeIssues(parsed.issues));
  return parsed.output;
}

export async function issueToken(deps: AppDeps, userId: string, username: string): Promise<AuthResponse> {
  const token = newToken();
  const now = deps.clock.now();
  const expiresAt = now + deps.config.tokenTtlMs;
  await deps.store.createToken({ hash: hashToken(token), userId, createdAt: now, expiresAt }, deps.config.maxSessionsPerAccount);
  return { token, userId, username, expiresAt };
}

export function limitRefused(c: AppContext, refusal: Refusal): Response {
  securityEvent(c.get('guards').logger, 'limit_refused', { address: clientAddress(c), limit: refusal.refused, path: c.req.path });
  const what = refusal.refused === 'register' ? 'new accounts from this address' : 'sign-in attempts';
  return retryLater(c, 429, 'rate_limited', `too many ${what}; try again later`, refusal.retryAfterMs);
}

export function hashingBusy(c: AppContext): Response {
  securityEvent(c.get('guards').logger, 'hashing_busy', { address: clientAddress(c), path: c.req.path });
  return retryLater(c, 503, 'busy', 'the server is busy checking passwords; try again in a moment', 1_000);
}

/** Runs password hashing; the hashing gate's refusal becomes a 503. */
export async function hashing<T>(c: AppContext, task: () => Promise<T>): Promise<T | Response> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof GateFullError) return hashingBusy(c);
    throw e;
  }
}

/**
 * Checks `password` for the account `username`, taking the sign-in limits' point first (before any
 * hashing, and before the user is even looked up). `stored` is read only once the attempt is allowed;
 * undefined (no such user) is checked against a dummy hash for the same cost.
 */
export async function checkPassword(
  c: AppContext,
  username: string,
  password: string,
  stored: () => Promise<string | undefined>,
): Promise<PasswordCheck | Response> {
  const guards = c.get('guards');
  const attempt = await guards.auth.signIn(username, clientAddress(c));
  if (attempt.refused !== undefined) return limitRefused(c, attempt);
  const hash = await stored();
  const check = await hashing(c, () => guards.passwords.check(password, hash));
  if (check instanceof Response) return check;
  if (check.ok) await attempt.succeeded();
  else securityEvent(guards.logger, 'sign_in_failed', { address: clientAddress(c), username, path: c.req.path });
  return check;
}

/** Ends the live streams of sessions that ended: here at once, on other instances through the bus. */
export function endSessions(c: AppContext, deps: AppDeps, ended: SessionsEnded): void {
  c.get('guards').streams.end(ended);
  c.get('guards').sessions.end(ended);
  deps.bus.publishSessionsEnded(ended).catch((e: unknown) => deps.logger.warn('session notification failed', { error: errorMessage(e) }));
}
