// The HTTP app: the sync API of DESIGN.md section 4 under /api, and the built PWA from the same
// origin. Everything with effects (store, bus, clock, logger) comes in as deps, so tests drive it
// in-process with app.request() against real databases and a clock they control.

import { Hono } from 'hono';
import { apiError, type AppDeps, type AppEnv } from './http';
import { errorMessage } from './logger';
import { noStore, requestLog, securityHeaders } from './middleware';
import { authRoutes } from './routes/authRoutes';
import { EventStreams, eventsRoute } from './routes/eventsRoute';
import { healthRoute } from './routes/healthRoute';
import { pullRoute } from './routes/pullRoute';
import { pushRoute } from './routes/pushRoute';
import { staticRoutes } from './routes/staticRoutes';

export type { AppDeps } from './http';

export interface ServerApp {
  readonly app: Hono<AppEnv>;
  /** Ends every open event stream (graceful shutdown); new ones are refused from then on. */
  closeEventStreams(): void;
  /** How many event streams are open. */
  openEventStreams(): number;
}

export function createApp(deps: AppDeps): ServerApp {
  const app = new Hono<AppEnv>();
  const streams = new EventStreams();

  app.use('*', requestLog(deps.logger));
  app.use('*', securityHeaders());
  app.use('/api/*', noStore());

  app.route('/api/auth', authRoutes(deps));
  app.route('/api/sync', pushRoute(deps));
  app.route('/api/sync', pullRoute(deps));
  app.route('/api/sync', eventsRoute(deps, streams));
  app.route('/api', healthRoute(deps));
  app.all('/api/*', (c) => apiError(c, 404, 'not_found', `no API route ${c.req.method} ${c.req.path}`));

  if (deps.config.distDir !== null) app.route('/', staticRoutes(deps.config.distDir));

  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, 'not_found', 'not found') : c.text('Not found', 404)));
  app.onError((err, c) => {
    deps.logger.error('unhandled error', { method: c.req.method, path: c.req.path, error: errorMessage(err) });
    return apiError(c, 500, 'internal', 'the server failed to handle this request');
  });

  return {
    app,
    closeEventStreams: () => streams.closeAll(),
    openEventStreams: () => streams.size,
  };
}
