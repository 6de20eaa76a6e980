// GET /api/sync/events: a Server-Sent Events stream of the space's head: once on connect, then
// whenever it moves (clients pull when they see a head beyond their cursor). Heartbeat comments keep
// proxies from closing an idle stream. Authenticated like the API, or with ?token= because the
// browser's EventSource cannot set an Authorization header.

import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { apiError, type AppDeps, type AppEnv } from '../http';
import { errorMessage } from '../logger';
import { requireAuth } from '../middleware';

/** The open streams of this instance, so shutdown can end them (else server.close() never finishes). */
export class EventStreams {
  private readonly closers = new Set<() => void>();
  private closing = false;

  get size(): number {
    return this.closers.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  add(close: () => void): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  closeAll(): void {
    this.closing = true;
    for (const close of [...this.closers]) close();
  }
}

/** The longest setTimeout delay Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function eventsRoute(deps: AppDeps, streams: EventStreams): Hono<AppEnv> {
  const { store, bus, clock, config, logger } = deps;
  const app = new Hono<AppEnv>();

  app.get('/events', requireAuth(deps, { allowQueryToken: true }), (c) => {
    if (streams.isClosing) return apiError(c, 503, 'internal', 'the server is shutting down');
    const session = c.get('session');
    return streamSSE(c, async (stream: SSEStreamingApi) => {
      let sent = -1;
      const sendHead = (head: number): void => {
        if (head <= sent || stream.closed || stream.aborted) return;
        sent = head;
        stream.writeSSE({ event: 'head', data: JSON.stringify({ head }) }).catch(() => stream.abort());
      };

      let finish = (): void => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      // Subscribe before reading head, so a push between the two is not missed.
      const unsubscribe = bus.subscribe(session.spaceId, sendHead);
      const unregister = streams.add(finish);
      stream.onAbort(finish);
      const heartbeat = setInterval(() => {
        stream.write(': heartbeat\n\n').catch(() => stream.abort());
      }, config.heartbeatMs);
      // The stream ends when its token does; the client reconnects with a fresh one.
      const expiry = setTimeout(finish, Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - clock.now())));
      try {
        await stream.write('retry: 5000\n\n');
        sendHead(await store.head(session.spaceId));
        await finished;
      } catch (e) {
        // Ends the stream (the client reconnects); the error stays in the log, not on the wire.
        if (!stream.aborted) logger.warn('event stream failed', { error: errorMessage(e) });
      } finally {
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
        unregister();
      }
    });
  });

  return app;
}
