// Accounts: register, login, logout, and who am I. A new account gets its own space; every sync
// query is scoped by the space of the token, never by anything in a request. Sign-in and sign-up
// take their rate-limit point before any password is hashed (authShared.ts).

import { Hono } from 'hono';
import { uuidv7 } from 'uuidv7';
import { CredentialsSchema } from '../../sync/protocol';
import { apiError, clientAddress, type AppDeps, type AppEnv } from '../http';
import { errorMessage } from '../logger';
import { requireAuth } from '../middleware';
import type { UserRecord } from '../store/types';
import { authBodyLimit, checkPassword, endSessions, hashing, issueToken, limitRefused, readBody } from './authShared';

export function authRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, clock, logger } = deps;
  const app = new Hono<AppEnv>();

  app.post('/register', authBodyLimit, async (c) => {
    const creds = await readBody(c, CredentialsSchema);
    if (creds instanceof Response) return creds;
    const refusal = await c.get('guards').auth.register(clientAddress(c));
    if (refusal) return limitRefused(c, refusal);
    if (await store.findUserByUsername(creds.username)) return apiError(c, 409, 'username_taken', 'that username is taken');
    const passwordHash = await hashing(c, () => c.get('guards').passwords.hash(creds.password));
    if (passwordHash instanceof Response) return passwordHash;
    const user = { id: uuidv7(), spaceId: uuidv7(), username: creds.username, createdAt: clock.now() };
    if (!(await store.createUser({ ...user, passwordHash }))) return apiError(c, 409, 'username_taken', 'that username is taken');
    return c.json(await issueToken(deps, user.id, user.username), 201);
  });

  app.post('/login', authBodyLimit, async (c) => {
    const creds = await readBody(c, CredentialsSchema);
    if (creds instanceof Response) return creds;
    const found: { user?: UserRecord } = {};
    const lookUp = async () => (found.user = await store.findUserByUsername(creds.username))?.passwordHash;
    const check = await checkPassword(c, creds.username, creds.password, lookUp);
    if (check instanceof Response) return check;
    const user = found.user;
    if (!user || !check.ok) return apiError(c, 401, 'invalid_credentials', 'wrong username or password');
    if (check.rehash) {
      // Made with weaker parameters than today's: remade now that the password is at hand. Busy
      // hashing just leaves it for the next sign-in.
      await c
        .get('guards')
        .passwords.hash(creds.password)
        .then((hash) => store.setPasswordHash(user.id, hash))
        .catch((e: unknown) => logger.warn('password rehash skipped', { error: errorMessage(e) }));
    }
    return c.json(await issueToken(deps, user.id, user.username));
  });

  app.post('/logout', requireAuth(deps), async (c) => {
    const { tokenHash } = c.get('session');
    await store.deleteToken(tokenHash);
    endSessions(c, deps, { tokenHash });
    return c.json({ ok: true });
  });

  app.get('/me', requireAuth(deps), (c) => {
    const { userId, username, expiresAt } = c.get('session');
    return c.json({ userId, username, expiresAt });
  });

  return app;
}
