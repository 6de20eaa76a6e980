// Cross-cutting middleware: request logs, security headers on every response, no caching of the API,
// JSON-only API posts, and bearer-token authentication.

import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamedBodyLimit } from 'hono/body-limit';
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
      path: c.req.path.slice(0, 200),
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

/** A year; without includeSubDomains, which would bind sibling hosts this server knows nothing of. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * Headers every response of a middleware's scope carries. Behind @hono/node-server they go on Node's
 * response before the route runs (setHeader; its writeHead adds the route's own headers to them),
 * not on c.res.headers after it: touching c.res.headers turns hono's plain header object into a
 * web Headers, which node-server then validates, sorts and copies back into a plain object for
 * writeHead. That was ~4% of the server's CPU per push (bench push, postgres/16-spaces). A route
 * that sets one of these headers itself wins over the value here, so it must set the same value
 * (eventsRoute.ts: streamSSE's Cache-Control). Without Node's
 * response (app.request() in tests) they are set on c.res.headers after the route, as before.
 */
function alwaysHeaders(headersFor: (c: Context<AppEnv>) => readonly (readonly [string, string])[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const outgoing = c.env?.outgoing;
    const headers = headersFor(c);
    if (outgoing !== undefined && !outgoing.headersSent) {
      for (const [name, value] of headers) outgoing.setHeader(name, value);
      return next();
    }
    await next();
    for (const [name, value] of headers) c.res.headers.set(name, value);
  };
}

const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['X-Frame-Options', 'DENY'],
];
const WITH_HSTS: readonly (readonly [string, string])[] = [['Strict-Transport-Security', STRICT_TRANSPORT_SECURITY], ...SECURITY_HEADERS];

/**
 * HSTS only over HTTPS: on plain http a browser ignores it, and localhost must stay reachable.
 * (The request URL's scheme, which the URL parser lowercases, read without parsing the URL again.)
 */
export function securityHeaders(opts: { servedOverHttps: boolean }): MiddlewareHandler<AppEnv> {
  return alwaysHeaders((c) => (opts.servedOverHttps || /^https:/i.test(c.req.url) ? WITH_HSTS : SECURITY_HEADERS));
}

const NO_STORE: readonly (readonly [string, string])[] = [['Cache-Control', 'no-store']];

/** API answers are personal and live: no cache (browser, proxy or service worker) may keep them. */
export function noStore(): MiddlewareHandler<AppEnv> {
  return alwaysHeaders(() => NO_STORE);
}

/**
 * Every API request with a body must say it is JSON. A form or a text/plain fetch from another
 * site is a "simple" request the browser sends without asking; application/json is not, so a
 * page elsewhere cannot post to the API behind the user's back.
 */
export function requireJson(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const type = c.req.header('content-type');
    // A post without a body (logout) has nothing to label.
    const hasBody = type !== undefined || Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && !/^application\/json\s*(;|$)/i.test(type ?? '')) {
      return apiError(c, 415, 'unsupported_media_type', 'send the request body as JSON, with Content-Type: application/json');
    }
    return next();
  };
}

/**
 * hono's bodyLimit, without its cost on the common request: a body with a Content-Length (and no
 * Transfer-Encoding) is judged by that header alone, as hono's does, but without touching
 * c.req.raw.body, which makes @hono/node-server build a web Request and a stream around the
 * socket; the route then reads the body straight from Node's request. Chunked bodies are counted
 * as they stream, by hono's own middleware.
 */
export function bodyLimit(opts: { readonly maxSize: number; readonly onError: (c: Context<AppEnv>) => Response }): MiddlewareHandler<AppEnv> {
  const streamed = streamedBodyLimit(opts);
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    return Number.parseInt(length, 10) > opts.maxSize ? opts.onError(c) : next();
  };
}

/**
 * Authenticates `Authorization: Bearer <token>`, the only place a token is read from: never the URL,
 * where proxies and browser history keep it. A token of a deleted account is told apart (code
 * account_deleted), so the device knows its account is gone rather than its session. With
 * `fromCache` (the push route, whose store checks the token again in its transaction), a session
 * seen lately on this instance is taken from guards.sessions without a lookup.
 */
export function requireAuth(deps: AppDeps, opts: { readonly fromCache?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token = header ? /^Bearer +(\S+)$/i.exec(header)?.[1] : undefined;
    if (!token || !looksLikeToken(token)) return unauthorized(c, 'unauthorized', token ? 'the token is not valid' : 'sign in first: no token given');
    const tokenHash = hashToken(token);
    const now = deps.clock.now();
    const cache = opts.fromCache ? c.get('guards').sessions : undefined;
    const record = cache?.get(tokenHash, now) ?? (await deps.store.findToken(tokenHash, now));
    if (!record) return refuseSession(c, deps, tokenHash, now);
    cache?.set(tokenHash, record, now);
    c.set('session', { ...record, tokenHash });
    await next();
  };
}

/** The 401 for a token that names no live session: account_deleted when its account was erased. */
export async function refuseSession(c: Parameters<MiddlewareHandler<AppEnv>>[0], deps: AppDeps, tokenHash: string, now: number): Promise<Response> {
  if (await deps.store.isDeletedAccountToken(tokenHash, now)) return unauthorized(c, 'account_deleted', 'this account was deleted');
  return unauthorized(c, 'unauthorized', 'the token is unknown or has expired; sign in again');
}
function unauthorized(c: Parameters<MiddlewareHandler<AppEnv>>[0], code: 'unauthorized' | 'account_deleted', message: string) {
  c.header('WWW-Authenticate', 'Bearer');
  return apiError(c, 401, code, message);
}
