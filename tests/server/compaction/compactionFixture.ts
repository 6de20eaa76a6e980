// A space to compact in tests: one device pushing actions and snapshots, the seq of everything it
// pushed (from the push answers: accepted ids get head-n+1..head in batch order), and the model of
// what pull must serve: every row not covered by a later snapshot of its entity (store/compaction.ts).

import { uuidv7 } from 'uuidv7';
import type { TestServer } from '../../../src/server/testing';
import type { Action } from '../../../src/sync/action';
import type { PushResponse } from '../../../src/sync/protocol';
import { api, makeAction, makeSnapshot } from '../helpers';

export interface Pushed {
  readonly action: Action;
  readonly seq: number;
}

/** One device of the space: its own clientId, the space's token. */
export interface Device {
  readonly clientId: string;
  push(actions: readonly Action[]): Promise<PushResponse>;
  /** An update of `entityId` (a create the first time), stamped on the server's clock. */
  edit(entityId: string): Action;
  snapshot(entityId: string, basis: number): Action;
}

export interface CompactionSpace extends Device {
  readonly api: ReturnType<typeof api>;
  readonly token: string;
  readonly spaceId: string;
  readonly userId: string;
  /** Everything accepted so far, by any of its devices (in seq order once pushes are done). */
  readonly pushed: Pushed[];
  device(): Device;
  /** The seqs pull must serve after `cursor`, by the model. */
  expectedAfter(cursor: number): number[];
  /** The seqs pull serves after `cursor`, following hasMore with pages of `limit`. */
  servedAfter(cursor: number, limit?: number): Promise<number[]>;
  seqOf(id: string): number;
}

export async function compactionSpace(server: TestServer): Promise<CompactionSpace> {
  const account = await server.register();
  const user = await server.store.findUserByUsername(account.username);
  if (!user) throw new Error('registered user not found');
  const client = api(server.fetch, account.token);
  const pushed: Pushed[] = [];
  const created = new Set<string>();
  const seqs = new Map<string, number>();

  const device = (): Device => {
    const clientId = uuidv7();
    return {
      clientId,
      push: async (actions) => {
        const res = await client.push(clientId, actions);
        const byId = new Map(actions.map((a) => [a.id, a]));
        res.accepted.forEach((id, i) => {
          const seq = res.head - res.accepted.length + i + 1;
          seqs.set(id, seq);
          pushed.push({ action: byId.get(id)!, seq });
        });
        pushed.sort((a, b) => a.seq - b.seq);
        return res;
      },
      edit: (entityId) => {
        const type = created.has(entityId) ? 'update' : 'create';
        created.add(entityId);
        return makeAction(clientId, { entityId, type, ms: server.clock.now() });
      },
      snapshot: (entityId, basis) => makeSnapshot(clientId, entityId, basis, { ms: server.clock.now() }),
    };
  };

  return {
    ...device(),
    device,
    api: client,
    token: account.token,
    spaceId: user.spaceId,
    userId: user.id,
    pushed,
    expectedAfter: (cursor) => uncovered(pushed).filter((seq) => seq > cursor),
    servedAfter: async (cursor, limit) => {
      const seen: number[] = [];
      for (;;) {
        const page = await client.pull(cursor, limit);
        seen.push(...page.actions.map((a) => a.seq));
        // The cursor only moves forward, and never past head.
        if (page.cursor < cursor || page.cursor > page.head) throw new Error(`cursor ${page.cursor} from ${cursor}, head ${page.head}`);
        cursor = page.cursor;
        if (!page.hasMore) return seen;
      }
    },
    seqOf: (id) => {
      const seq = seqs.get(id);
      if (seq === undefined) throw new Error(`action ${id} was not accepted`);
      return seq;
    },
  };
}

/** The model: seqs of rows no later snapshot of the same entity covers (seq <= its basis). */
export function uncovered(pushed: readonly Pushed[]): number[] {
  const key = (a: Action) => `${a.collection}/${a.entityId}`;
  const covered = (x: Pushed) =>
    pushed.some((s) => s.action.type === 'snapshot' && key(s.action) === key(x.action) && s.seq > x.seq && (s.action.basis ?? 0) >= x.seq);
  return pushed.filter((x) => !covered(x)).map((x) => x.seq);
}
