// GET /api/health: for load balancers and the CLI's smoke check; 503 when the database is unreachable.

import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http';
import { errorMessage } from '../logger';

export function healthRoute(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/health', async (c) => {
    try {
      await deps.store.ping();
      return c.json({ ok: true, store: deps.store.kind, epoch: deps.store.epoch });
    } catch (e) {
      deps.logger.error('health check failed', { error: errorMessage(e) });
      return c.json({ ok: false, store: deps.store.kind, epoch: deps.store.epoch }, 503);
    }
  });
  return app;
}
