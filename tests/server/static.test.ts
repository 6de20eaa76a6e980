// Serving the built PWA from the API's origin: caching per file kind, the SPA fallback, and the
// security headers on every response.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/server/middleware';
import { createTestServer, type TestServer } from '../../src/server/testing';

const files: Record<string, string> = {
  'index.html': '<!doctype html><title>Notes</title><script type="module" src="/assets/index-Ab12Cd.js"></script>',
  'assets/index-Ab12Cd.js': 'console.log(1)',
  'assets/index-Ef34Gh.css': 'body{}',
  'assets/sqlite3-Xy99.wasm': '\0asm',
  'sw.js': 'self.addEventListener("fetch", () => {})',
  'registerSW.js': '//',
  'workbox-9c191d2f.js': '//',
  'manifest.webmanifest': '{"name":"Notes"}',
  'pwa-192x192.png': 'png',
};

describe('static app serving', () => {
  let dist: string;
  let server: TestServer;
  beforeAll(async () => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-dist-'));
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dist, name)), { recursive: true });
      fs.writeFileSync(path.join(dist, name), content);
    }
    server = await createTestServer({ config: { distDir: dist } });
  });
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  const get = (p: string, init?: RequestInit) => server.fetch(p, init);

  it('caches hashed assets for a year and revalidates everything else', async () => {
    const cases: [string, string, RegExp][] = [
      ['/assets/index-Ab12Cd.js', 'public, max-age=31536000, immutable', /javascript/],
      ['/assets/index-Ef34Gh.css', 'public, max-age=31536000, immutable', /text\/css/],
      ['/assets/sqlite3-Xy99.wasm', 'public, max-age=31536000, immutable', /application\/wasm/],
      ['/', 'no-cache', /text\/html/],
      ['/index.html', 'no-cache', /text\/html/],
      ['/sw.js', 'no-cache', /javascript/],
      ['/registerSW.js', 'no-cache', /javascript/],
      ['/workbox-9c191d2f.js', 'no-cache', /javascript/],
      ['/manifest.webmanifest', 'no-cache', /application\/manifest\+json/],
      ['/pwa-192x192.png', 'no-cache', /image\/png/],
    ];
    for (const [url, cache, type] of cases) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('cache-control'), url).toBe(cache);
      expect(res.headers.get('content-type'), url).toMatch(type);
    }
    expect(await (await get('/assets/index-Ab12Cd.js')).text()).toBe(files['assets/index-Ab12Cd.js']);
  });

  it('answers client-side routes with index.html, but missing files and API routes with 404', async () => {
    for (const route of ['/notes', '/notes/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '/settings/account']) {
      const res = await get(route);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(files['index.html']);
    }
    expect((await get('/assets/index-Old000.js')).status).toBe(404);
    expect((await get('/favicon.ico')).status).toBe(404);
    const api = await get('/api/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await get('/notes', { method: 'POST' })).status).toBe(404);
  });

  it('serves nothing outside the build folder', async () => {
    fs.writeFileSync(path.join(path.dirname(dist), 'secret.txt'), 'secret');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await get(p);
      expect(await res.text(), p).not.toContain('secret');
    }
  });

  it('puts the security headers on every response, and no-store on the API', async () => {
    const responses = [
      await get('/'),
      await get('/assets/index-Ab12Cd.js'),
      await get('/missing.js'),
      await get('/api/health'),
      await get('/api/sync/pull?cursor=0'),
      await get('/api/nope'),
    ];
    for (const res of responses) {
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
    for (const res of responses.slice(3)) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('has a CSP that allows the app’s wasm and workers but no inline or eval’d script', () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
  });

  const built = path.resolve(import.meta.dirname, '../../dist/index.html');
  it.runIf(fs.existsSync(built))('the real build has no inline scripts the CSP would block', () => {
    const html = fs.readFileSync(built, 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc=/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
  });
});
