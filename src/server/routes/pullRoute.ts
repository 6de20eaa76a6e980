// GET /api/sync/pull?cursor=N&limit=M: the space's actions after the cursor, in seq order.

import { Hono } from 'hono';
import * as v from 'valibot';
import { describeIssues, LIMITS, PullQuerySchema, type PullResponse } from '../../sync/protocol';
import { apiError, type AppDeps, type AppEnv } from '../http';
import { requireAuth } from '../middleware';

export function pullRoute(deps: AppDeps): Hono<AppEnv> {
  const { store, clock, config } = deps;
  const app = new Hono<AppEnv>();

  app.get('/pull', requireAuth(deps), async (c) => {
    const query = v.safeParse(PullQuerySchema, c.req.query());
    if (!query.success) return apiError(c, 400, 'bad_request', describeIssues(query.issues));
    const { cursor, limit = LIMITS.defaultPullLimit } = query.output;
    const page = await store.pull(c.get('session').spaceId, cursor, limit, config.pullMaxBytes);
    const last = page.actions.at(-1)?.seq ?? cursor;
    const response: PullResponse = {
      actions: page.actions,
      cursor: last,
      head: page.head,
      // A cursor beyond head (a reset backend) has nothing more to read: the epoch tells the client.
      hasMore: last < page.head,
      serverTime: clock.now(),
      epoch: store.epoch,
    };
    return c.json(response);
  });

  return app;
}
