// The HTTP app: the sync API of DESIGN.md section 4 under /api, and the built PWA from the same
// origin. Everything with effects (store, bus, clock, logger, rate-limit counters, password
// hashing) comes in as deps, so tests drive it in-process with app.request() against real databases
// and a clock they control.

import { Hono } from 'hono';
import { apiError, type AppDeps, type AppEnv } from './http';
import { errorMessage } from './logger';
import { noStore, requestLog, requireJson, securityHeaders } from './middleware';
import { clipInput } from '../sync/protocol';
import { accountRoutes } from './routes/accountRoutes';
import { authRoutes } from './routes/authRoutes';
import { eventsRoute } from './routes/eventsRoute';
import { healthRoute } from './routes/healthRoute';
import { pullRoute } from './routes/pullRoute';
import { pushRoute } from './routes/pushRoute';
import { staticRoutes } from './routes/staticRoutes';
import { createGuards } from './security/guards';

export type { AppDeps } from './http';

export interface ServerApp {
  readonly app: Hono<AppEnv>;
  /** Ends every open event stream (graceful shutdown); new ones are refused from then on. */
  closeEventStreams(): void;
  /** How many event streams are open. */
  openEventStreams(): number;
  /** Stops listening to the bus. */
  dispose(): void;
}

export function createApp(deps: AppDeps): ServerApp {
  const app = new Hono<AppEnv>();
  const guards = createGuards(deps);
  // Sessions ended on any instance (this one included) end their streams here.
  const unlisten = deps.bus.onSessionsEnded((ended) => {
    guards.streams.end(ended);
    guards.sessions.end(ended);
  });

  app.use('*', requestLog(deps.logger));
  app.use('*', securityHeaders(deps.config));
  app.use('*', async (c, next) => {
    c.set('guards', guards);
    await next();
  });
  app.use('/api/*', noStore());
  app.use('/api/*', requireJson());

  app.route('/api/auth', authRoutes(deps));
  app.route('/api/auth', accountRoutes(deps));
  app.route('/api/sync', pushRoute(deps));
  app.route('/api/sync', pullRoute(deps));
  app.route('/api/sync', eventsRoute(deps));
  app.route('/api', healthRoute(deps));
  app.all('/api/*', (c) => apiError(c, 404, 'not_found', `no API route ${c.req.method.slice(0, 10)} ${clipInput(c.req.path, 80)}`));

  if (deps.config.distDir !== null) app.route('/', staticRoutes(deps.config.distDir));

  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, 'not_found', 'not found') : c.text('Not found', 404)));
  app.onError((err, c) => {
    deps.logger.error('unhandled error', { method: c.req.method, path: clipInput(c.req.path, 200), error: errorMessage(err) });
    return apiError(c, 500, 'internal', 'the server failed to handle this request');
  });

  return {
    app,
    closeEventStreams: () => guards.streams.closeAll(),
    openEventStreams: () => guards.streams.size,
    dispose: unlisten,
  };
}
