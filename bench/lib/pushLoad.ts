// The push load, shared by the server runs and their bare limits so both commit the same thing:
// N clients in a closed loop, each pushing one new note per request as soon as the previous one
// was answered; pushes counted over a window after a warm-up.

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
 * Pushes per second over the measured window. `client(i)` sets client i up and answers its push
 * function; every client starts its loop at once, after all are set up.
 */
export async function pushesPerSec(w: PushWindow, client: (i: number) => Promise<() => Promise<void>>): Promise<number> {
  const pushers = await Promise.all(Array.from({ length: w.clients }, (_, i) => client(i)));
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
