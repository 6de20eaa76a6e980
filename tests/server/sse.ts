// A minimal Server-Sent Events reader over fetch, for tests: what a browser's EventSource would see.

export interface SseMessage {
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
  readonly retry?: number;
}

export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  /** The next message that matches, or throws after timeoutMs; null when the stream ended. */
  next(match?: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage | null>;
  /** The next `event: head` message's head. */
  nextHead(timeoutMs?: number): Promise<number>;
  close(): void;
}

function parseBlock(block: string): SseMessage {
  const m: { event?: string; data?: string; comment?: string; retry?: number } = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) m.comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) m.event = line.slice(7);
    else if (line.startsWith('data: ')) m.data = m.data === undefined ? line.slice(6) : `${m.data}\n${line.slice(6)}`;
    else if (line.startsWith('retry: ')) m.retry = Number(line.slice(7));
  }
  return m;
}

/** The only way the stream takes a token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queue: SseMessage[] = [];
  let ended = false;

  async function fill(deadline: number): Promise<void> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error('timed out waiting for an event');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out waiting for an event')), remaining)));
    try {
      const { done, value } = await Promise.race([reader.read(), timeout]);
      if (done) {
        ended = true;
        return;
      }
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        queue.push(parseBlock(buffer.slice(0, cut)));
        buffer = buffer.slice(cut + 2);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  const stream: SseStream = {
    status: res.status,
    headers: res.headers,
    async next(match = () => true, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (queue.length > 0) {
          const m = queue.shift()!;
          if (match(m)) return m;
        }
        if (ended) return null;
        await fill(deadline);
      }
    },
    async nextHead(timeoutMs) {
      const m = await stream.next((x) => x.event === 'head', timeoutMs);
      if (!m?.data) throw new Error('the stream ended');
      return (JSON.parse(m.data) as { head: number }).head;
    },
    close: () => controller.abort(),
  };
  return stream;
}
