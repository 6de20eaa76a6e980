// Accounts: register, login, logout, and who am I. A new account gets its own space; every sync
// query is scoped by the space of the token, never by anything in a request.

import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { CredentialsSchema, describeIssues, LIMITS, type AuthResponse, type Credentials } from '../../sync/protocol';
import { hashPassword, hashToken, newToken, verifyAgainstNothing, verifyPassword } from '../auth';
import { apiError, clientAddress, readJson, type AppContext, type AppDeps, type AppEnv } from '../http';
import { requireAuth } from '../middleware';
import { RateLimiter } from '../rateLimit';

export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, clock, config } = deps;
  const logins = new RateLimiter(clock, config.loginMaxAttempts, config.loginWindowMs);
  const registrations = new RateLimiter(clock, config.registerMaxPerWindow, config.registerWindowMs);
  const app = new Hono<AppEnv>();
  const limit = bodyLimit({
    maxSize: LIMITS.maxAuthBytes,
    onError: (c) => apiError(c, 413, 'payload_too_large', `the request body is larger than ${LIMITS.maxAuthBytes} bytes`),
  });

  async function credentials(c: AppContext): Promise<Credentials | Response> {
    const body = await readJson(c);
    if (!body.ok) return apiError(c, 400, 'bad_request', body.message);
    const parsed = v.safeParse(CredentialsSchema, body.value);
    if (!parsed.success) return apiError(c, 400, 'bad_request', describeIssues(parsed.issues));
    return parsed.output;
  }

  async function issueToken(userId: string, username: string): Promise<AuthResponse> {
    const token = newToken();
    const now = clock.now();
    const expiresAt = now + config.tokenTtlMs;
    await store.createToken({ hash: hashToken(token), userId, createdAt: now, expiresAt });
    return { token, userId, username, expiresAt };
  }

  function tooMany(c: AppContext, retryAfterMs: number, what: string) {
    c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    return apiError(c, 429, 'rate_limited', `too many ${what}; try again later`);
  }

  app.post('/register', limit, async (c) => {
    const address = clientAddress(c, config.trustProxy);
    const verdict = registrations.check(address);
    if (!verdict.allowed) return tooMany(c, verdict.retryAfterMs, 'new accounts from this address');
    const creds = await credentials(c);
    if (creds instanceof Response) return creds;
    if (await store.findUserByUsername(creds.username)) return apiError(c, 409, 'username_taken', 'that username is taken');
    registrations.hit(address);
    const user = { id: uuidv7(), spaceId: uuidv7(), username: creds.username, createdAt: clock.now() };
    const passwordHash = await hashPassword(creds.password, config.scryptLogN);
    if (!(await store.createUser({ ...user, passwordHash }))) return apiError(c, 409, 'username_taken', 'that username is taken');
    return c.json(await issueToken(user.id, user.username), 201);
  });

  app.post('/login', limit, async (c) => {
    const creds = await credentials(c);
    if (creds instanceof Response) return creds;
    const key = `${creds.username.toLowerCase()}|${clientAddress(c, config.trustProxy)}`;
    const verdict = logins.check(key);
    if (!verdict.allowed) return tooMany(c, verdict.retryAfterMs, 'failed sign-ins');
    const user = await store.findUserByUsername(creds.username);
    const ok = user
      ? await verifyPassword(creds.password, user.passwordHash)
      : await verifyAgainstNothing(creds.password, config.scryptLogN);
    if (!user || !ok) {
      logins.hit(key);
      return apiError(c, 401, 'invalid_credentials', 'wrong username or password');
    }
    logins.reset(key);
    return c.json(await issueToken(user.id, user.username));
  });

  app.post('/logout', requireAuth(deps), async (c) => {
    await store.deleteToken(c.get('session').tokenHash);
    return c.json({ ok: true });
  });

  app.get('/me', requireAuth(deps), (c) => {
    const { userId, username, expiresAt } = c.get('session');
    return c.json({ userId, username, expiresAt });
  });

  return app;
}
