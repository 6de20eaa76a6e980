// The server's live head events (GET /api/sync/events, Server-Sent Events): each one says the
// space's log moved, so the engine pulls. EventSource reconnects by itself after a dropped
// connection; it gives up only when the server answers with an error (e.g. 401 for an expired
// token), and then `closed` says so and the engine opens a new stream after its next good sync.
// The token travels in the query because EventSource cannot set headers.

import * as v from 'valibot';
import { HeadEventSchema } from '../../sync/protocol';

/** The part of EventSource used here (injected: tests and Node have none). */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: MessageEvent<unknown>) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

export interface LiveEvents {
  /** True once the stream has given up (or was closed). */
  readonly closed: boolean;
  close(): void;
}

const CLOSED = 2;

export function openHeadEvents(open: EventSourceFactory, baseUrl: string, token: string, onHead: (head: number) => void): LiveEvents {
  const url = `${baseUrl.replace(/\/$/, '')}/api/sync/events?token=${encodeURIComponent(token)}`;
  const source = open(url);
  let closed = false;
  source.addEventListener('head', (event) => {
    if (closed || typeof event.data !== 'string') return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    const parsed = v.safeParse(HeadEventSchema, data);
    if (parsed.success) onHead(parsed.output.head);
  });
  source.addEventListener('error', () => {
    if (source.readyState === CLOSED) closed = true;
  });
  return {
    get closed() {
      return closed || source.readyState === CLOSED;
    },
    close() {
      closed = true;
      source.close();
    },
  };
}
