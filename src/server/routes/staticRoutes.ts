// The built PWA from the same origin as the API. Hashed files under /assets never change, so they
// are cached for a year; everything else (index.html, sw.js, registerSW.js, the manifest, icons) is
// revalidated on every load so a deploy reaches users. Client-side routes fall back to index.html;
// a missing file with an extension stays a 404 (an HTML page where a script was expected fails
// obscurely, and would be precached by the service worker under the script's name).
//
// Text files go out brotli- or gzip-compressed when the request accepts it (compression.ts), with
// `Vary: Accept-Encoding` on every answer for them, compressed or not, so no cache hands one
// client's encoding to another. A Range request gets the file itself: ranges of a compressed form
// are of no use to anyone, and serveStatic answers ranges of files on disk correctly.

import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getMimeType } from 'hono/utils/mime';
import { serveStatic } from '@hono/node-server/serve-static';
import { CompressedFiles, isCompressible, negotiateEncoding } from '../compression';
import type { AppEnv } from '../http';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

/**
 * URL paths the compressed route resolves itself: plain segments that never start with a dot (so no
 * "..", no hidden files) and no "%" or "\". Anything else goes to serveStatic and its own checks.
 */
const PLAIN_PATH = /^(?:\/[\w-][\w.-]*)*\/?$/;

export function staticRoutes(distDir: string, compressed = new CompressedFiles()): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const indexHtml = path.join(distDir, 'index.html');

  // Decided after the fact, from the outcome: a missing /assets file must not be cached for a year.
  app.use('*', async (c, next) => {
    await next();
    const found = c.res.status === 200 || c.res.status === 206;
    c.res.headers.set('Cache-Control', found && c.req.path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
  });

  // (serveStatic complains on stderr about a missing root; the fallback below explains it instead.)
  if (fs.existsSync(distDir)) {
    void compressed.warm(distDir);
    app.use('*', async (c, next) => {
      if (!PLAIN_PATH.test(c.req.path)) return next();
      const file = path.join(distDir, c.req.path.endsWith('/') ? `${c.req.path}index.html` : c.req.path);
      return (await serveCompressed(c, compressed, file)) ?? next();
    });
    app.use('*', serveStatic<AppEnv>({ root: distDir }));
  }

  app.get('*', async (c) => {
    if (c.req.path.startsWith('/assets/') || path.posix.extname(c.req.path) !== '') return c.text('Not found', 404);
    if (!fs.existsSync(indexHtml)) return c.text('The app is not built: run npm run build', 404);
    const served = await serveCompressed(c, compressed, indexHtml);
    if (served) return served;
    c.header('Content-Type', 'text/html; charset=utf-8');
    return c.body(fs.readFileSync(indexHtml));
  });

  return app;
}

/**
 * Answers with the compressed form of `file` the request accepts; null when the file is not one we
 * compress, does not exist, or goes out as it is (then the caller serves it, Vary already set).
 * (HEAD needs nothing of its own: Hono answers it by running the GET handlers and dropping the body.)
 */
async function serveCompressed(c: Context<AppEnv>, compressed: CompressedFiles, file: string): Promise<Response | null> {
  if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !isCompressible(file)) return null;
  const stats = await fs.promises.stat(file).catch(() => null);
  if (!stats?.isFile()) return null;
  c.header('Vary', 'Accept-Encoding', { append: true });
  const encoding = c.req.header('range') === undefined ? negotiateEncoding(c.req.header('accept-encoding')) : null;
  if (encoding === null) return null;
  const body = (await compressed.variants(file, stats))?.[encoding];
  if (body === undefined) return null;
  c.header('Content-Type', getMimeType(file) ?? 'application/octet-stream');
  c.header('Content-Encoding', encoding);
  c.header('Content-Length', String(body.length));
  c.header('Last-Modified', stats.mtime.toUTCString());
  return c.body(body, 200);
}
