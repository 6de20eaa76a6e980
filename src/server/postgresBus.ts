// Head changes between server instances that share one PostgreSQL database: each instance LISTENs on
// one channel and fans what it hears out to its own SSE clients; a push NOTIFYs after its commit.
// An instance hears its own notifications too, so local and remote pushes take the same path.

import * as v from 'valibot';
import { LocalFanout, type Bus } from './bus';
import type { Logger } from './logger';
import type { Sql } from './store/postgresStore';

export const HEAD_CHANNEL = 'notes_space_head';

const NotificationSchema = v.object({
  spaceId: v.pipe(v.string(), v.maxLength(64)),
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export async function postgresBus(sql: Sql, logger: Logger): Promise<Bus> {
  const fanout = new LocalFanout();
  // postgres.js keeps a dedicated connection for LISTEN and re-listens after reconnecting.
  const listening = await sql.listen(HEAD_CHANNEL, (payload) => {
    let data: unknown;
    try {
      data = JSON.parse(payload);
    } catch {
      data = undefined;
    }
    const parsed = v.safeParse(NotificationSchema, data);
    if (!parsed.success) {
      logger.warn('ignored a malformed head notification', { channel: HEAD_CHANNEL });
      return;
    }
    fanout.deliver(parsed.output.spaceId, parsed.output.head);
  });
  return {
    publish: async (spaceId, head) => {
      await sql.notify(HEAD_CHANNEL, JSON.stringify({ spaceId, head }));
    },
    subscribe: (spaceId, listener) => fanout.subscribe(spaceId, listener),
    close: async () => {
      fanout.clear();
      await listening.unlisten();
    },
  };
}
