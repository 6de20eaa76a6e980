// Cross-cutting middleware: request logs, security headers on every response, no caching of the API,
// and bearer-token authentication.

import type { MiddlewareHandler } from 'hono';
import { hashToken, looksLikeToken } from './auth';
import { apiError, type AppDeps, type AppEnv } from './http';
import type { Logger } from './logger';

/** One line per request: method, path (never the query: it may carry a token), status, duration. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}

/**
 * The app runs only its own files: scripts and workers from this origin, WebAssembly compiled from
 * fetched bytes ('wasm-unsafe-eval', not 'unsafe-eval'), fetch/SSE to this origin only. No inline
 * scripts or styles: the build emits none (tests/server/static.test.ts checks dist/index.html), and
 * Solid's `style={{...}}` sets properties through the CSSOM, which CSP does not block. A static
 * `style="..."` attribute in JSX would be blocked; should the UI need one, add
 * "style-src-attr 'unsafe-inline'" here rather than loosening style-src.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    c.res.headers.set('X-Frame-Options', 'DENY');
  };
}

/** API answers are personal and live: no cache (browser, proxy or service worker) may keep them. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
  };
}

/**
 * Authenticates `Authorization: Bearer <token>`. With allowQueryToken, `?token=` works too: the
 * browser's EventSource cannot set headers. Request logs omit the query, so the token stays out of them.
 */
export function requireAuth(deps: AppDeps, opts: { allowQueryToken?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let token = header ? /^Bearer +(\S+)$/i.exec(header)?.[1] : undefined;
    if (token === undefined && !header && opts.allowQueryToken) token = c.req.query('token');
    if (!token || !looksLikeToken(token)) return unauthorized(c, token ? 'the token is not valid' : 'sign in first: no token given');
    const tokenHash = hashToken(token);
    const record = await deps.store.findToken(tokenHash, deps.clock.now());
    if (!record) return unauthorized(c, 'the token is unknown or has expired; sign in again');
    c.set('session', { ...record, tokenHash });
    await next();
  };
}

function unauthorized(c: Parameters<MiddlewareHandler<AppEnv>>[0], message: string) {
  c.header('WWW-Authenticate', 'Bearer');
  return apiError(c, 401, 'unauthorized', message);
}
