// Serving the built PWA from the API's origin: caching per file kind, the SPA fallback, the
// security headers on every response, and text files compressed for clients that accept it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressedFiles } from '../../src/server/compression';
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

/** A build folder in a temporary directory holding `contents`. */
function writeDist(contents: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-dist-'));
  for (const [name, content] of Object.entries(contents)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** For the describe block it is called in: a server of a build folder holding `contents`. */
function serveDist(contents: Record<string, string | Uint8Array>): { dist: string; server: TestServer } {
  const served = {} as { dist: string; server: TestServer };
  beforeAll(async () => {
    served.dist = writeDist(contents);
    served.server = await createTestServer({ config: { distDir: served.dist } });
  });
  afterAll(async () => {
    await served.server?.close();
    fs.rmSync(served.dist, { recursive: true, force: true });
  });
  return served;
}

describe('static app serving', () => {
  const served = serveDist(files);
  const get = (p: string, init?: RequestInit) => served.server.fetch(p, init);

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
    fs.writeFileSync(path.join(path.dirname(served.dist), 'secret.txt'), 'secret');
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

/** Text that compresses like a bundle does: repetitive, but not one byte repeated. */
function bundleLike(lines: number): string {
  return Array.from({ length: lines }, (_, i) => `export function f${i}(a,b){return a*${i % 97}+b.map(x=>x+"${(i * 7919) % 1000}").join(",")}`).join('\n');
}

const decoders = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync };
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());
/** Byte equality (toEqual walks a large typed array element by element, slowly). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);

describe('compressed serving', () => {
  const big: Record<string, string | Uint8Array> = {
    'index.html': `<!doctype html><title>Notes</title>${'<link rel="modulepreload" href="/assets/a.js">'.repeat(40)}`,
    'assets/main-Ab12Cd.js': bundleLike(2_000),
    'assets/index-Ef34Gh.css': '.note{color:#111;background:#fff}\n'.repeat(300),
    'assets/sqlite3-Xy99.wasm': new Uint8Array(Array.from({ length: 50_000 }, (_, i) => (i % 251 === 0 ? i % 7 : 0))),
    'manifest.webmanifest': JSON.stringify({ name: 'Notes', icons: Array.from({ length: 30 }, (_, i) => ({ src: `/i${i}.png`, sizes: '192x192' })) }),
    'icon.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<path d="M0 0h10v10H0z"/>'.repeat(50)}</svg>`,
    'data.json': JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, title: 'note' }))),
    'sw.js': bundleLike(100),
    'registerSW.js': '//',
    'pwa-192x192.png': 'png '.repeat(500),
  };
  const cases: [url: string, file: string][] = [
    ['/assets/main-Ab12Cd.js', 'assets/main-Ab12Cd.js'],
    ['/assets/index-Ef34Gh.css', 'assets/index-Ef34Gh.css'],
    ['/assets/sqlite3-Xy99.wasm', 'assets/sqlite3-Xy99.wasm'],
    ['/', 'index.html'],
    ['/index.html', 'index.html'],
    ['/notes/some-note', 'index.html'],
    ['/manifest.webmanifest', 'manifest.webmanifest'],
    ['/icon.svg', 'icon.svg'],
    ['/data.json', 'data.json'],
    ['/sw.js', 'sw.js'],
  ];
  const served = serveDist(big);
  const get = (p: string, acceptEncoding?: string, init: RequestInit = {}) =>
    served.server.fetch(p, { ...init, headers: { ...(acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }), ...init.headers } });
  const onDisk = (file: string) => new Uint8Array(fs.readFileSync(path.join(served.dist, file)));

  it('sends brotli, or gzip, when the request accepts it; the bytes decompress to the file', async () => {
    for (const [url, file] of cases) {
      const plain = await get(url);
      for (const [accept, encoding] of [['gzip, deflate, br, zstd', 'br'], ['gzip, deflate', 'gzip'], ['br;q=0.5, gzip;q=1', 'gzip']] as const) {
        const res = await get(url, accept);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-encoding'), `${url} ${accept}`).toBe(encoding);
        expect(res.headers.get('vary'), url).toMatch(/accept-encoding/i);
        const body = await bytes(res);
        expect(Number(res.headers.get('content-length')), url).toBe(body.length);
        expect(body.length, url).toBeLessThan(onDisk(file).length);
        expect(same(decoders[encoding](body), onDisk(file)), url).toBe(true);
        // Caching and security headers are the uncompressed answer's.
        for (const h of ['content-type', 'cache-control', 'content-security-policy', 'x-content-type-options']) {
          expect(res.headers.get(h), `${url} ${h}`).toBe(plain.headers.get(h));
        }
      }
    }
  });

  it('sends the file itself when the request accepts no encoding we have, still with Vary', async () => {
    for (const accept of [undefined, '', 'identity', 'deflate', 'br;q=0, gzip;q=0', '*;q=0', 'zstd']) {
      for (const [url, file] of cases) {
        const res = await get(url, accept);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-encoding'), `${url} ${accept}`).toBeNull();
        expect(res.headers.get('vary'), url).toMatch(/accept-encoding/i);
        expect(same(await bytes(res), onDisk(file)), url).toBe(true);
      }
    }
  });

  it('leaves alone what compression would not shrink, and images', async () => {
    const tiny = await get('/registerSW.js', 'br, gzip');
    expect(tiny.headers.get('content-encoding')).toBeNull();
    expect(tiny.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await tiny.text()).toBe('//');
    const png = await get('/pwa-192x192.png', 'br, gzip');
    expect(png.headers.get('content-encoding')).toBeNull();
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(same(await bytes(png), onDisk('pwa-192x192.png'))).toBe(true);
  });

  it('answers HEAD with the headers GET would send and no body', async () => {
    for (const accept of ['br', 'gzip', undefined]) {
      const got = await get('/assets/main-Ab12Cd.js', accept);
      const head = await get('/assets/main-Ab12Cd.js', accept, { method: 'HEAD' });
      expect(head.status).toBe(200);
      for (const h of ['content-encoding', 'content-length', 'content-type', 'vary', 'cache-control']) {
        expect(head.headers.get(h), `${accept} ${h}`).toBe(got.headers.get(h));
      }
      expect((await bytes(head)).length).toBe(0);
    }
  });

  it('answers a Range request with that range of the file itself', async () => {
    const res = await get('/assets/main-Ab12Cd.js', 'gzip, br', { headers: { range: 'bytes=7-26' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('content-range')).toBe(`bytes 7-26/${onDisk('assets/main-Ab12Cd.js').length}`);
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await res.text()).toBe(String(big['assets/main-Ab12Cd.js']).slice(7, 27));
  });

  it('serves a file changed on disk as it is now (a deploy, or a new sw.js)', async () => {
    const first = decoders.br(await bytes(await get('/sw.js', 'br'))).toString();
    expect(first).toBe(big['sw.js']);
    fs.appendFileSync(path.join(served.dist, 'sw.js'), '\n// the next version\n');
    for (const encoding of ['br', 'gzip'] as const) {
      const res = await get('/sw.js', encoding);
      expect(decoders[encoding](await bytes(res)).toString()).toBe(`${String(big['sw.js'])}\n// the next version\n`);
    }
  });
});

describe('CompressedFiles', () => {
  it('replaces the quick brotli pass by a smaller one in the background, of the same bytes', async () => {
    const dir = writeDist({ 'main.js': bundleLike(3_000) });
    try {
      const file = path.join(dir, 'main.js');
      const files = new CompressedFiles();
      const quick = (await files.variants(file, fs.statSync(file)))!.br!;
      await files.idle();
      const best = (await files.variants(file, fs.statSync(file)))!.br!;
      expect(best.length).toBeLessThan(quick.length);
      expect(zlib.brotliDecompressSync(best).toString()).toBe(bundleLike(3_000));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const realDist = path.resolve(import.meta.dirname, '../../dist');
describe.runIf(fs.existsSync(path.join(realDist, 'index.html')))('the real build', () => {
  it('goes out compressed, every text file decompressing to itself', async () => {
    const server = await createTestServer({ config: { distDir: realDist } });
    try {
      const names = fs.readdirSync(realDist, { recursive: true, encoding: 'utf8' }).filter((n) => /\.(js|css|html|wasm|webmanifest)$/.test(n));
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) {
        const res = await server.fetch(`/${name}`, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
        expect(res.headers.get('content-encoding'), name).toBe('br');
        expect(same(zlib.brotliDecompressSync(await bytes(res)), fs.readFileSync(path.join(realDist, name))), name).toBe(true);
      }
    } finally {
      await server.close();
    }
  });
});
