// The worker's live event stream, read with fetch against the real server in-process: the token
// goes in the Authorization header and never in the URL; heads arrive validated; the stream ends
// the moment its session does, and a refused session is not retried.

import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../src/server/testing';
import { openHeadStream, sseParser, type LiveEvents } from '../../../src/worker/sync/liveEvents';
import { api, makeActions } from '../../server/helpers';
import { manualTimers } from '../syncHelpers';

let server: TestServer;
const open: LiveEvents[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await server?.close();
});

/** The stream, recording what it hears, and every request it made. */
async function listen(token: string) {
  const requests: { url: string; headers: Headers }[] = [];
  const heads: number[] = [];
  const lost: boolean[] = [];
  const waiters: (() => void)[] = [];
  const heard = () => waiters.splice(0).forEach((w) => w());
  const timers = manualTimers();
  const stream = openHeadStream(
    {
      baseUrl: server.baseUrl,
      fetch: (input, init) => {
        requests.push({ url: input, headers: new Headers(init?.headers) });
        return server.fetch(input, init);
      },
      timers,
      random: () => 0.5,
    },
    token,
    {
      onHead: (h) => (heads.push(h), heard()),
      onLost: (refused) => (lost.push(refused), heard()),
    },
  );
  open.push(stream);
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((r) => waiters.push(r));
  };
  return { stream, requests, heads, lost, timers, until };
}

describe('live events over fetch', () => {
  it('sends the token as a header, never in the URL, and hears every new head', async () => {
    server = await createTestServer();
    const { token } = await server.register();
    const live = await listen(token);
    await live.until(() => live.heads.length === 1);
    expect(live.heads).toEqual([0]);
    const clientId = uuidv7();
    await api(server.fetch, token).push(clientId, makeActions(clientId, 2, server.clock.now()));
    await live.until(() => live.heads.length === 2);
    expect(live.heads).toEqual([0, 2]);
    expect(live.requests).toHaveLength(1);
    expect(live.requests[0]!.url).toBe(`${server.baseUrl}/api/sync/events`);
    expect(live.requests[0]!.url).not.toContain(token);
    expect(live.requests[0]!.headers.get('authorization')).toBe(`Bearer ${token}`);
  });

  it('ends at once when its session is signed out elsewhere; reconnecting is refused and not retried', async () => {
    server = await createTestServer();
    const { token } = await server.register();
    const live = await listen(token);
    await live.until(() => live.heads.length === 1);
    await server.fetch('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    await live.until(() => live.lost.length === 1);
    expect(live.lost).toEqual([false]);
    // The server's retry: 5000 ms, then it asks again and hears 401.
    expect(live.timers.pending()).toEqual([5_000]);
    live.timers.advance(5_000);
    await live.until(() => live.lost.length === 2);
    expect(live.lost).toEqual([false, true]);
    expect(live.stream.closed).toBe(true);
    expect(live.timers.pending()).toEqual([]);
  });
});

describe('what the stream accepts', () => {
  it('passes on only heads that pass the schema', async () => {
    const heads: number[] = [];
    let ended = (): void => {};
    const done = new Promise<void>((r) => (ended = r));
    const body = 'event: head\ndata: {"head":-1}\n\nevent: head\ndata: not json\n\nevent: other\ndata: {"head":5}\n\nevent: head\ndata: {"head":3}\n\n';
    const stream = openHeadStream(
      { baseUrl: 'http://notes.test', fetch: async () => new Response(body, { status: 200 }), timers: manualTimers(), random: () => 0.5 },
      'token',
      { onHead: (h) => heads.push(h), onLost: () => ended() },
    );
    open.push(stream);
    await done;
    expect(heads).toEqual([3]);
  });
});

describe('the event stream parser', () => {
  it('reads events split anywhere, with CRLF or LF, multi-line data, comments and retry', () => {
    let retry = 0;
    const feed = sseParser((ms) => (retry = ms));
    const text = 'retry: 2500\r\n\r\n: heartbeat\n\nevent: head\ndata: {"head":\ndata: 7}\n\nevent: head\r\ndata: {"head":8}\r\n\r\n';
    const messages = [];
    for (let i = 0; i < text.length; i += 3) messages.push(...feed(text.slice(i, i + 3)));
    expect(retry).toBe(2500);
    expect(messages).toEqual([
      { event: 'head', data: '{"head":\n7}' },
      { event: 'head', data: '{"head":8}' },
    ]);
  });

  it('refuses to buffer a line without end', () => {
    const feed = sseParser(() => undefined);
    expect(() => feed('data: ' + 'x'.repeat(70 * 1024))).toThrow(/too long/);
  });
});
