// The push load, shared by the server runs and their bare limits so both commit the same thing:
// N clients in a closed loop, each pushing one new note per request as soon as the previous one
// was answered; pushes counted over a window after a warm-up.

import http from 'node:http';
import { uuidv7 } from 'uuidv7';
import type { Action } from '../../src/sync/action';
import { formatHlc, initialHlc, sendHlc } from '../../src/sync/hlc';

export interface PushWindow {
  readonly clients: number;
  readonly warmupMs: number;
  readonly measureMs: number;
}

/** One device: its clientId and a clock, making one new note per call. */
export function noteMaker(): { readonly clientId: string; next(): Action } {
  const clientId = uuidv7();
  let hlc = initialHlc(clientId);
  return {
    clientId,
    next() {
      hlc = sendHlc(hlc, Date.now());
      return {
        id: uuidv7(),
        collection: 'notes',
        entityId: uuidv7(),
        type: 'create',
        payload: { title: 'Pushed', body: 'a note of ordinary length, '.repeat(10) },
        hlc: formatHlc(hlc),
        clientId,
      };
    },
  };
}

/**
 * A client's push over one kept-alive HTTP/1.1 connection of its own (node:http, not fetch: the
 * load generator shares the cores with the server and the database, and fetch costs several times
 * more CPU per request). Resolves once the server answered for every action.
 */
export function keepAlivePusher(baseUrl: string, token: string, clientId: string): (actions: readonly Action[]) => Promise<void> {
  const url = new URL('/api/sync/push', baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (actions) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ clientId, actions });
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`push: ${res.statusCode} ${text}`));
            const answer = JSON.parse(text) as { accepted?: unknown[]; duplicates?: unknown[] };
            if ((answer.accepted?.length ?? 0) + (answer.duplicates?.length ?? 0) !== actions.length) {
              return reject(new Error('push: the server did not answer for every action'));
            }
            resolve();
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * Pushes per second over the measured window. `client(i)` sets client i up and answers its push
 * function; every client starts its loop at once, after all are set up.
 */
export async function pushesPerSec(w: PushWindow, client: (i: number) => Promise<() => Promise<void>>): Promise<number> {
  const pushers = await Promise.all(Array.from({ length: w.clients }, (_, i) => client(i)));
  // One push each before the clock starts: a connection's first push also sets it up (TCP, the
  // server's first statements), which can outlast a --quick window on a loaded machine.
  await Promise.all(pushers.map((pushOne) => pushOne()));
  const from = performance.now() + w.warmupMs;
  const until = from + w.measureMs;
  let counted = 0;
  await Promise.all(
    pushers.map(async (pushOne) => {
      while (performance.now() < until) {
        await pushOne();
        const now = performance.now();
        if (now >= from && now < until) counted++;
      }
    }),
  );
  return Math.round(counted / (w.measureMs / 1000));
}
