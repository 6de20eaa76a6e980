// Head changes between server instances that share one PostgreSQL database: each instance LISTENs on
// one channel and fans what it hears out to its own SSE clients; a push NOTIFYs after its commit.
// An instance hears its own notifications too, so local and remote pushes take the same path.
// Ended sessions travel the same way on a second channel, so a sign-out on one instance ends the
// session's live streams on every instance.

import * as v from 'valibot';
import { EndedFanout, LocalFanout, type Bus, type SessionsEnded } from './bus';
import type { Logger } from '../logger';
import type { Sql } from '../store/postgres/postgresStore';

export const HEAD_CHANNEL = 'notes_space_head';
export const SESSIONS_CHANNEL = 'notes_sessions_ended';

const NotificationSchema = v.object({
  spaceId: v.pipe(v.string(), v.maxLength(64)),
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

const Hash = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const SessionsEndedSchema = v.union([
  v.strictObject({ tokenHash: Hash }),
  v.strictObject({ userId: v.pipe(v.string(), v.maxLength(64)), except: v.optional(Hash) }),
]);

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/**
 * Sends heads on HEAD_CHANNEL with one NOTIFY statement in flight at a time, and statements at least
 * `gapMs` apart: heads published meanwhile go out together in the next, the latest head per space.
 * PostgreSQL commits notifying transactions one after another (a database-wide lock), so a NOTIFY
 * per push would line every push of every instance up behind each other; and each statement costs
 * both sides a wakeup and the database a commit, as much as a push's own write when pushes are
 * many. The gap delays a live client's news by at most gapMs.
 */
export function coalescedHeads(
  send: (payloads: string[]) => Promise<void>,
  gapMs = 0,
  now: () => number = () => performance.now(),
): (spaceId: string, head: number) => Promise<void> {
  const pending = new Map<string, number>();
  let inFlight: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let lastStart = -Infinity;
  const flush = async (): Promise<void> => {
    const payloads = [...pending].map(([spaceId, head]) => JSON.stringify({ spaceId, head }));
    pending.clear();
    if (payloads.length > 0) await send(payloads);
  };
  const go = (): Promise<void> => {
    lastStart = now();
    return flush();
  };
  const start = (): Promise<void> => {
    const wait = lastStart + gapMs - now();
    const run = wait > 0 ? new Promise<void>((r) => setTimeout(r, wait)).then(go) : go();
    return (inFlight = run.finally(() => (inFlight = undefined)));
  };
  return (spaceId, head) => {
    pending.set(spaceId, Math.max(head, pending.get(spaceId) ?? 0));
    if (inFlight === undefined) return start();
    // Settles with the statement that carries this head: the one in flight when it was still
    // waiting out the gap (nothing is left to send), else the next.
    return (queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return pending.size > 0 ? start() : undefined;
      }));
  };
}

/** Minimum time between two NOTIFY statements of heads (coalescedHeads). */
export const HEAD_NOTIFY_GAP_MS = 5;

/** `notifier` sends the notifications (the bus's own connections may be the store's pool). */
export async function postgresBus(sql: Sql, logger: Logger, notifier: Sql = sql): Promise<Bus> {
  const fanout = new LocalFanout();
  const ended = new EndedFanout();
  const endedListening = await sql.listen(SESSIONS_CHANNEL, (payload) => {
    const parsed = v.safeParse(SessionsEndedSchema, parsePayload(payload));
    if (parsed.success) ended.deliver(parsed.output as SessionsEnded);
    else logger.warn('ignored a malformed session notification', { channel: SESSIONS_CHANNEL });
  });
  // postgres.js keeps a dedicated connection for LISTEN and re-listens after reconnecting.
  const listening = await sql.listen(HEAD_CHANNEL, (payload) => {
    const parsed = v.safeParse(NotificationSchema, parsePayload(payload));
    if (!parsed.success) {
      logger.warn('ignored a malformed head notification', { channel: HEAD_CHANNEL });
      return;
    }
    fanout.deliver(parsed.output.spaceId, parsed.output.head);
  });
  const publish = coalescedHeads(async (payloads) => {
    await notifier`SELECT pg_notify(${HEAD_CHANNEL}, p) FROM unnest(${notifier.array(payloads)}::text[]) AS p`;
  }, HEAD_NOTIFY_GAP_MS);
  return {
    publish,
    subscribe: (spaceId, listener) => fanout.subscribe(spaceId, listener),
    publishSessionsEnded: async (e) => {
      await notifier.notify(SESSIONS_CHANNEL, JSON.stringify(e));
    },
    onSessionsEnded: (listener) => ended.add(listener),
    close: async () => {
      fanout.clear();
      ended.clear();
      await listening.unlisten();
      await endedListening.unlisten();
    },
  };
}
