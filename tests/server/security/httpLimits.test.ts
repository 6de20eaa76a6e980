// The HTTP layer's own defences: deadlines for slow clients (headers, whole request), a cap on open
// connections, JSON-only API posts, HSTS when served over HTTPS.

import net from 'node:net';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY } from '../../../src/server/middleware';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { createTestDatabase, type TestDatabase } from '../backends';
import { expectError, sleep } from '../helpers';
import { listen, type Listening } from '../listening';

/** Sends `text` on a raw socket and collects everything until the server closes it. */
function rawExchange(port: number, text: string): { socket: net.Socket; answer: Promise<string> } {
  const socket = net.connect(port, '127.0.0.1');
  socket.write(text);
  const answer = new Promise<string>((resolve) => {
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', () => undefined);
  });
  return { socket, answer };
}

describe('slow and numerous clients', () => {
  let db: TestDatabase;
  let live: Listening;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    live = await listen(db, { config: { headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 3 } });
  });
  afterAll(async () => {
    await live?.server.close();
    await db?.drop();
  });

  it('answers 408 and closes a connection whose headers never finish', async () => {
    const { answer } = rawExchange(live.server.port, 'GET /api/health HTTP/1.1\r\nHost: notes\r\nX-Slow: ');
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('answers 408 and closes a connection whose body never finishes', async () => {
    const { answer } = rawExchange(
      live.server.port,
      'POST /api/auth/login HTTP/1.1\r\nHost: notes\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"username":',
    );
    expect(await answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('closes connections past the cap at once, and takes new ones when others leave', async () => {
    const idle = [net.connect(live.server.port, '127.0.0.1'), net.connect(live.server.port, '127.0.0.1'), net.connect(live.server.port, '127.0.0.1')];
    await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
    const extra = rawExchange(live.server.port, 'GET /api/health HTTP/1.1\r\nHost: notes\r\n\r\n');
    expect(await extra.answer).toBe('');
    for (const s of idle) s.destroy();
    // Once the server has heard the closes, a new connection is served.
    let status = 0;
    for (let i = 0; i < 50 && status === 0; i++) {
      status = await live.fetch('/api/health').then(
        (r) => r.status,
        () => sleep(20).then(() => 0),
      );
    }
    expect(status).toBe(200);
  });
});

// Over a real socket the security headers go on Node's response before the route runs
// (middleware.ts, alwaysHeaders), not through c.res.headers as under app.request().
describe('security headers over a real socket', () => {
  let db: TestDatabase;
  let live: Listening;
  let https: Listening;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    live = await listen(db);
    https = await listen(db, { config: { servedOverHttps: true } });
  });
  afterAll(async () => {
    await live?.server.close();
    await https?.server.close();
    await db?.drop();
  });

  const expectSecurityHeaders = (res: Response, hsts: boolean) => {
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('strict-transport-security')).toBe(hsts ? STRICT_TRANSPORT_SECURITY : null);
  };

  it('puts them on answers, refusals and errors alike, once each; HSTS only when served over HTTPS', async () => {
    const { token } = await live.register();
    const push = (at: Listening, auth: string) =>
      at.fetch('/api/sync/push', { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ clientId: uuidv7(), actions: [] }) });
    const responses = [await live.fetch('/api/health'), await push(live, `Bearer ${token}`), await push(live, 'Bearer nope'), await live.fetch('/api/nothing-here')];
    // An empty batch is a 400: an answer of the push route with its own headers.
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 404]);
    for (const res of responses) {
      expectSecurityHeaders(res, false);
      await res.arrayBuffer();
    }
    expect(responses[1]!.headers.get('content-type')).toMatch(/^application\/json/);
    expect(responses[2]!.headers.get('www-authenticate')).toBe('Bearer');
    const viaProxy = await https.fetch('/api/health');
    expectSecurityHeaders(viaProxy, true);
    await viaProxy.arrayBuffer();
  });
});

describe('headers and content types', () => {
  let server: TestServer;
  let https: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
    https = await createTestServer({ config: { servedOverHttps: true } });
  });
  afterAll(async () => {
    await server?.close();
    await https?.close();
  });

  it('sends Strict-Transport-Security over HTTPS only, or always behind a TLS proxy (SERVED_OVER_HTTPS)', async () => {
    expect((await server.fetch('http://notes.test/api/health')).headers.get('strict-transport-security')).toBeNull();
    expect((await server.fetch('https://notes.test/api/health')).headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
    expect((await https.fetch('http://notes.test/api/health')).headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
  });

  it('refuses API posts that are not JSON with 415, before reading them', async () => {
    const { token } = await server.register();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      const res = await server.fetch('/api/sync/push', { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body: '{}' });
      await expectError(res, 415, 'unsupported_media_type');
    }
    const res = await server.fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });
});
