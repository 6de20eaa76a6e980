// The account controls (DESIGN.md section 4): change password (every other session ends, this one
// stays), sign out everywhere, delete account (erases the space on the server; every session ends).
// Proving the password goes through the same limits as a sign-in: a stolen token cannot be used to
// guess the password either. A wrong password is a 403, not a 401: the session itself is fine.

import { Hono } from 'hono';
import { ChangePasswordSchema, DeleteAccountSchema } from '../../sync/accountProtocol';
import { apiError, clientAddress, type AppContext, type AppDeps, type AppEnv } from '../http';
import { requireAuth } from '../middleware';
import { securityEvent } from '../security/securityLog';
import { authBodyLimit, checkPassword, endSessions, hashing, readBody } from './authShared';

export function accountRoutes(deps: AppDeps): Hono<AppEnv> {
  const { store, clock } = deps;
  const app = new Hono<AppEnv>();

  const proveOwner = async (c: AppContext, password: string): Promise<Response | null> => {
    const session = c.get('session');
    const check = await checkPassword(c, session.username, password, async () => (await store.findUserById(session.userId))?.passwordHash);
    if (check instanceof Response) return check;
    return check.ok ? null : apiError(c, 403, 'invalid_credentials', 'the password is wrong');
  };

  app.post('/password', requireAuth(deps), authBodyLimit, async (c) => {
    const body = await readBody(c, ChangePasswordSchema);
    if (body instanceof Response) return body;
    const refused = await proveOwner(c, body.currentPassword);
    if (refused) return refused;
    const hash = await hashing(c, () => c.get('guards').passwords.hash(body.newPassword));
    if (hash instanceof Response) return hash;
    const { userId, tokenHash } = c.get('session');
    await store.setPasswordHash(userId, hash, { keep: tokenHash });
    endSessions(c, deps, { userId, except: tokenHash });
    securityEvent(c.get('guards').logger, 'password_changed', { address: clientAddress(c), userId });
    return c.json({ ok: true });
  });

  app.post('/logout-everywhere', requireAuth(deps), authBodyLimit, async (c) => {
    const { userId } = c.get('session');
    await store.deleteUserTokens(userId);
    endSessions(c, deps, { userId });
    securityEvent(c.get('guards').logger, 'signed_out_everywhere', { address: clientAddress(c), userId });
    return c.json({ ok: true });
  });

  app.post('/delete', requireAuth(deps), authBodyLimit, async (c) => {
    const body = await readBody(c, DeleteAccountSchema);
    if (body instanceof Response) return body;
    const refused = await proveOwner(c, body.password);
    if (refused) return refused;
    const { userId } = c.get('session');
    await store.deleteUser(userId, clock.now());
    endSessions(c, deps, { userId });
    securityEvent(c.get('guards').logger, 'account_deleted', { address: clientAddress(c), userId });
    return c.json({ ok: true });
  });

  return app;
}
