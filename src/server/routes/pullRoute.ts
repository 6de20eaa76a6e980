// GET /api/sync/pull?cursor=N&limit=M: the space's actions after the cursor, in seq order, without
// the rows snapshots cover (store/compaction.ts): seq has gaps, so the page says where it ended.

import { Hono } from 'hono';
import * as v from 'valibot';
import { describeIssues, LIMITS, PROTOCOL_HEADER, PROTOCOL_VERSION, PullQuerySchema, type PullResponse } from '../../sync/protocol';
import { apiError, type AppDeps, type AppEnv } from '../http';
import { requireAuth } from '../middleware';

export function pullRoute(deps: AppDeps): Hono<AppEnv> {
  const { store, clock, config } = deps;
  const app = new Hono<AppEnv>();

  app.get('/pull', requireAuth(deps), async (c) => {
    // An app from before text edits cannot read what it would be served: tell it, in words it shows
    // (its error codes predate this one, so `bad_request`), to reload. Its pushes are still taken.
    if (!speaksCurrentProtocol(c.req.header(PROTOCOL_HEADER))) {
      return apiError(c, 400, 'bad_request', OUTDATED_APP_MESSAGE);
    }
    const query = v.safeParse(PullQuerySchema, c.req.query());
    if (!query.success) return apiError(c, 400, 'bad_request', describeIssues(query.issues));
    const { cursor, limit = LIMITS.defaultPullLimit } = query.output;
    const page = await store.pull(c.get('session').spaceId, cursor, limit, config.pullMaxBytes);
    const response: PullResponse = {
      actions: page.actions,
      // After a page short of its limit, head; a page that ends on covered rows still moves on.
      cursor: page.cursor,
      head: page.head,
      // A cursor beyond head (a reset backend) has nothing more to read: the epoch tells the client.
      hasMore: page.cursor < page.head,
      serverTime: clock.now(),
      epoch: store.epoch,
    };
    return c.json(response);
  });

  return app;
}

export const OUTDATED_APP_MESSAGE = 'This version of the app is out of date: reload the app to keep syncing (nothing you wrote is lost).';

function speaksCurrentProtocol(header: string | undefined): boolean {
  return header !== undefined && /^\d{1,4}$/.test(header) && Number(header) >= PROTOCOL_VERSION;
}
