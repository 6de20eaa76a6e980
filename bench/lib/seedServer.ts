// An account whose space already holds a history: registered over HTTP like any user, then its
// actions written straight into the server's store (its push, in-process, in large batches), which
// is much faster than pushing them over HTTP within the protocol's limits.

import type { ActionStream } from './synthetic';
import { register, uniqueName } from './client';
import type { AppServer } from './httpServer';

export interface SeededAccount {
  readonly username: string;
  readonly token: string;
  /** Notes the history leaves visible. */
  readonly notes: number;
}

const BATCH = 2_000;

export async function seedAccount(server: AppServer, prefix: string, stream: ActionStream, total: number): Promise<SeededAccount> {
  const username = uniqueName(prefix);
  const { token } = await register(server.url, username);
  const user = await server.backend.store.findUserByUsername(username);
  if (!user) throw new Error('the registered user is not in the store');
  for (let done = 0; done < total; ) {
    const actions = stream.next(Math.min(BATCH, total - done));
    // One device's actions per push, as the server requires; the stream cycles through its devices.
    const byClient = new Map<string, typeof actions>();
    for (const a of actions) {
      const own = byClient.get(a.clientId);
      if (own) own.push(a);
      else byClient.set(a.clientId, [a]);
    }
    for (const [clientId, own] of byClient) {
      const out = await server.backend.store.push({ spaceId: user.spaceId, userId: user.id, clientId, actions: own, receivedAt: Date.now() });
      if (!out.ok) throw new Error(`seeding the server failed: ${out.reason}`);
    }
    done += actions.length;
  }
  return { username, token, notes: stream.liveNotes };
}
