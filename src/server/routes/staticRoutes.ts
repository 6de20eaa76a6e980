// The built PWA from the same origin as the API. Hashed files under /assets never change, so they
// are cached for a year; everything else (index.html, sw.js, registerSW.js, the manifest, icons) is
// revalidated on every load so a deploy reaches users. Client-side routes fall back to index.html;
// a missing file with an extension stays a 404 (an HTML page where a script was expected fails
// obscurely, and would be precached by the service worker under the script's name).

import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../http';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export function staticRoutes(distDir: string): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  // Decided after the fact, from the outcome: a missing /assets file must not be cached for a year.
  app.use('*', async (c, next) => {
    await next();
    const found = c.res.status === 200 || c.res.status === 206;
    c.res.headers.set('Cache-Control', found && c.req.path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
  });
  // (serveStatic complains on stderr about a missing root; the fallback below explains it instead.)
  if (fs.existsSync(distDir)) app.use('*', serveStatic<AppEnv>({ root: distDir }));

  const indexHtml = path.join(distDir, 'index.html');
  app.get('*', (c) => {
    if (c.req.path.startsWith('/assets/') || path.posix.extname(c.req.path) !== '') return c.text('Not found', 404);
    if (!fs.existsSync(indexHtml)) return c.text('The app is not built: run npm run build', 404);
    c.header('Content-Type', 'text/html; charset=utf-8');
    return c.body(fs.readFileSync(indexHtml));
  });

  return app;
}
