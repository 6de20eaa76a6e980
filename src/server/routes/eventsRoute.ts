// GET /api/sync/events: a Server-Sent Events stream of the space's head: once on connect, then
// whenever it moves (clients pull when they see a head beyond their cursor). Heartbeat comments keep
// proxies from closing an idle stream. Authenticated like the rest of the API, by the Authorization
// header only (the app's worker reads the stream with fetch): a token never travels in a URL.
//
// Each stream is registered under its session (guards.streams): capped per account, and ended at
// once when the session ends (sign-out, password change, sign out everywhere, account deletion),
// on this instance directly and on the others through the bus. Each heartbeat also checks that
// the session still exists, which ends streams whose token was dropped another way (the per-account
// cap on sessions, expiry).

import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { apiError, clientAddress, retryLater, type AppDeps, type AppEnv } from '../http';
import { errorMessage } from '../logger';
import { requireAuth } from '../middleware';
import { securityEvent } from '../security/securityLog';

/** The longest setTimeout delay Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function eventsRoute(deps: AppDeps): Hono<AppEnv> {
  const { store, bus, clock, config, logger } = deps;
  const app = new Hono<AppEnv>();

  app.get('/events', requireAuth(deps), (c) => {
    const streams = c.get('guards').streams;
    if (streams.isClosing) return apiError(c, 503, 'internal', 'the server is shutting down');
    const session = c.get('session');
    if (streams.countFor(session.userId) >= config.liveStreamsPerAccount) {
      securityEvent(logger, 'limit_refused', { address: clientAddress(c), limit: 'live_streams', userId: session.userId });
      return retryLater(c, 429, 'too_many_streams', `at most ${config.liveStreamsPerAccount} live streams per account`, 30_000);
    }
    const res = streamSSE(c, async (stream: SSEStreamingApi) => {
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
      const unregister = streams.add({ userId: session.userId, tokenHash: session.tokenHash }, finish);
      stream.onAbort(finish);
      const heartbeat = setInterval(() => {
        stream.write(': heartbeat\n\n').catch(() => stream.abort());
        store.findToken(session.tokenHash, clock.now()).then(
          (alive) => alive || finish(),
          () => undefined, // The database is away: keep the stream; the next beat asks again.
        );
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
    // streamSSE says Cache-Control: no-cache. Over a socket the API's no-store (noStore, middleware.ts)
    // goes on Node's response first and a route's own header wins, so the route says no-store itself.
    res.headers.set('Cache-Control', 'no-store');
    return res;
  });

  return app;
}
