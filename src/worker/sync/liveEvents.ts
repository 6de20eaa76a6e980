// The server's live head events (GET /api/sync/events, Server-Sent Events): each one says the
// space's log moved, so the engine pulls. Read with fetch, not EventSource: EventSource cannot send
// an Authorization header, and a token in the URL is kept by proxies and browser history. So this
// module does what EventSource would: parses the stream (every event checked with valibot),
// reconnects after a drop (the server's `retry`, then backing off), and gives up only when the
// server refuses the session (401), which the engine's next sync cycle then acts on.

import * as v from 'valibot';
import { backoffDelay, type BackoffPolicy } from '../../sync/cycle/backoff';
import { HeadEventSchema } from '../../sync/protocol';
import type { Timers } from '../../sync/cycle/scheduler';
import type { FetchLike } from '../../sync/cycle/transport';

export interface LiveEvents {
  /** True once the stream has given up (refused) or was closed. */
  readonly closed: boolean;
  close(): void;
}

export interface LiveEventHandlers {
  onHead(head: number): void;
  /**
   * An open stream ended, or the server refused to open one: the session may have ended (signed
   * out elsewhere, password changed, account deleted), so a sync cycle now finds out. `refused`:
   * the server said 401 and the stream will not reconnect. (Failing to reach the server is not
   * reported: the stream retries with backoff, and the engine has its own.)
   */
  onLost(refused: boolean): void;
}

/** What the engine calls to open the stream of a session. */
export type OpenLiveEvents = (token: string, handlers: LiveEventHandlers) => LiveEvents;

export interface LiveEventsDeps {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timers: Timers;
  readonly random: () => number;
  readonly backoff?: BackoffPolicy;
}

export interface SseMessage {
  readonly event: string;
  readonly data: string;
}

/** A line longer than this is not the server's: the stream is dropped rather than buffered forever. */
const MAX_LINE = 64 * 1024;

/**
 * The SSE wire format (WHATWG "event stream interpretation"), incrementally: feed it text as it
 * arrives, get complete messages. `retry` fields are reported through onRetry.
 */
export function sseParser(onRetry: (ms: number) => void): (chunk: string) => SseMessage[] {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  return (chunk) => {
    buffer += chunk;
    const out: SseMessage[] = [];
    let cut: number;
    while ((cut = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, cut);
      buffer = buffer.slice(cut + (buffer.startsWith('\r\n', cut) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) out.push({ event: event || 'message', data: data.join('\n') });
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d{1,7}$/.test(value)) onRetry(Number(value));
    }
    if (buffer.length > MAX_LINE) throw new Error('an event stream line is too long');
    return out;
  };
}

function headOf(message: SseMessage): number | undefined {
  if (message.event !== 'head') return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(HeadEventSchema, data);
  return parsed.success ? parsed.output.head : undefined;
}

export function openHeadStream(deps: LiveEventsDeps, token: string, handlers: LiveEventHandlers): LiveEvents {
  const url = `${deps.baseUrl.replace(/\/$/, '')}/api/sync/events`;
  let closed = false;
  let controller: AbortController | null = null;
  let timer: unknown = null;
  let failures = 0;
  let retryMs = 5_000;

  const reconnectLater = (ms: number): void => {
    if (closed) return;
    timer = deps.timers.set(() => {
      timer = null;
      void connect();
    }, ms);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    controller = new AbortController();
    let opened = false;
    try {
      const res = await deps.fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (res.status === 401) {
        closed = true;
        await res.body?.cancel().catch(() => undefined);
        handlers.onLost(true);
        return;
      }
      if (!res.ok || !res.body) throw new Error(`the event stream answered ${res.status}`);
      failures = 0;
      opened = true;
      const parse = sseParser((ms) => (retryMs = ms));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed) break;
        for (const message of parse(value)) {
          const head = headOf(message);
          if (head !== undefined && !closed) handlers.onHead(head);
        }
      }
      if (closed) return;
      handlers.onLost(false);
      reconnectLater(retryMs);
    } catch {
      if (closed) return;
      failures++;
      if (opened) handlers.onLost(false);
      reconnectLater(Math.max(retryMs, backoffDelay(failures, deps.random, deps.backoff)));
    }
  }

  void connect();
  return {
    get closed() {
      return closed;
    },
    close() {
      closed = true;
      if (timer !== null) deps.timers.clear(timer);
      timer = null;
      controller?.abort();
    },
  };
}
