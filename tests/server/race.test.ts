// The cursor race. Many devices push into one space at once while others pull. Each push holds its
// transaction open for a while (an artificial delay inside it, through the store's beforeCommit
// hook), so transactions overlap as they would under load. The claim: every puller ends with every
// accepted action exactly once, with seq contiguous 1..n, and never sees a gap it later has to go
// back for.
//
// Why a per-space counter row, not an auto-increment column: with BIGSERIAL (or a timestamp), the
// number is taken when the row is inserted but becomes visible when its transaction commits, and
// transactions commit in any order. T1 takes id 1 and is slow; T2 takes id 2 and commits; a puller
// reads "id > 0" and gets [2], so its cursor moves to 2; T1 commits id 1, and the puller's next read
// "id > 2" never returns it. The control below shows exactly that on PostgreSQL (SQLite has one writer
// at a time, so it cannot show the interleaving). The counter row is locked first in every push, so
// pushes to a space commit in seq order, and a reader that sees head = h sees all of 1..h.

import { uuidv7 } from 'uuidv7';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushTransactionInfo } from '../../src/server/store/types';
import { createTestServer, type TestServer } from '../../src/server/testing';
import type { SequencedAction } from '../../src/sync/action';
import { backendKinds, createTestDatabase, postgresUrl, type TestDatabase } from './backends';
import { api, makeAction, makeActions, sleep } from './helpers';

const PUSHERS = 8;
const BATCHES_PER_PUSHER = 6;
const PULLERS = 4;

for (const kind of backendKinds) {
  describe(`cursor race [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    let failNext: ((info: PushTransactionInfo) => boolean) | undefined;
    const inFlight = { now: 0, max: 0 };

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({
        backend: db.options({
          max: PUSHERS + PULLERS + 6,
          hooks: {
            beforeCommit: async (info) => {
              inFlight.now++;
              inFlight.max = Math.max(inFlight.max, inFlight.now);
              try {
                await sleep(Math.random() * 12);
                if (failNext?.(info)) {
                  failNext = undefined;
                  throw new Error('simulated crash inside the push transaction');
                }
              } finally {
                inFlight.now--;
              }
            },
          },
        }),
      });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    it(`${PUSHERS} concurrent pushers and ${PULLERS} pullers: every puller gets every action once, seq contiguous`, async () => {
      const user = await server.register();
      const other = await server.register();
      const client = api(server.fetch, user.token);
      const accepted = new Set<string>();
      let pushing = true;

      const pusher = async (p: number) => {
        const who = p % 4 === 3 ? other : user;
        const clientId = uuidv7();
        let previous: ReturnType<typeof makeActions> = [];
        for (let b = 0; b < BATCHES_PER_PUSHER; b++) {
          const batch = makeActions(clientId, 1 + ((p + b) % 5), server.clock.now());
          // Every other batch re-sends the previous one too, as a client does after a lost response.
          const body = b % 2 === 1 ? [...previous, ...batch] : batch;
          const res = await api(server.fetch, who.token).push(clientId, body);
          expect(res.accepted.sort()).toEqual(batch.map((a) => a.id).sort());
          if (who === user) for (const id of res.accepted) accepted.add(id);
          previous = batch;
        }
      };

      const puller = async () => {
        const seen: SequencedAction[] = [];
        let cursor = 0;
        for (;;) {
          const done = !pushing;
          const page = await client.pull(cursor, 7);
          for (const a of page.actions) {
            // Contiguous as it arrives: a hole here would mean a later commit could fill it unseen.
            expect(a.seq).toBe((seen.at(-1)?.seq ?? 0) + 1);
            seen.push(a);
          }
          cursor = page.cursor;
          if (done && !page.hasMore) return seen;
          if (!page.hasMore) await sleep(Math.random() * 3);
        }
      };

      const pushers = Promise.all(Array.from({ length: PUSHERS }, (_, p) => pusher(p))).finally(() => (pushing = false));
      const [, results] = await Promise.all([pushers, Promise.all(Array.from({ length: PULLERS }, puller))]);

      // SQLite has one writer: pushes queue. PostgreSQL serializes per space only: the other space's
      // transactions were open at the same time.
      if (kind === 'sqlite') expect(inFlight.max).toBe(1);
      else expect(inFlight.max).toBeGreaterThanOrEqual(2);
      const head = (await client.pull(0, 1)).head;
      expect(head).toBe(accepted.size);
      for (const seen of results) {
        expect(seen.map((a) => a.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
        expect(new Set(seen.map((a) => a.id))).toEqual(accepted);
      }
      // The other space counted only its own actions, in parallel.
      const otherAll = await api(server.fetch, other.token).pullAll();
      expect(otherAll.map((a) => a.seq)).toEqual(Array.from({ length: otherAll.length }, (_, i) => i + 1));
    });

    it('a push that fails inside its transaction leaves no trace and no gap', async () => {
      const user = await server.register();
      const client = api(server.fetch, user.token);
      const clientId = uuidv7();
      await client.push(clientId, makeActions(clientId, 2, server.clock.now()));
      failNext = (info) => info.base === 2;
      const doomed = makeActions(clientId, 3, server.clock.now());
      const res = await client.pushRaw({ clientId, actions: doomed });
      expect(res.status).toBe(500);
      expect((await client.pull(0)).head).toBe(2);
      // The retry after the failure is accepted in full and continues at seq 3.
      expect(await client.push(clientId, doomed)).toMatchObject({ accepted: doomed.map((a) => a.id), head: 5 });
      expect((await client.pullAll()).map((a) => a.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it('two racing pushes of the same batch store it once', async () => {
      const user = await server.register();
      const client = api(server.fetch, user.token);
      const clientId = uuidv7();
      const batch = [makeAction(clientId, { ms: server.clock.now() }), makeAction(clientId, { ms: server.clock.now() })];
      const [a, b] = await Promise.all([client.push(clientId, batch), client.push(clientId, batch)]);
      expect([a.accepted.length, b.accepted.length].sort()).toEqual([0, 2]);
      expect((await client.pullAll()).map((x) => x.id)).toEqual(batch.map((x) => x.id));
    });
  });
}

describe.runIf(postgresUrl)('control: an auto-increment cursor skips late commits [postgres]', () => {
  let db: TestDatabase;
  let sql: postgres.Sql;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const options = db.options();
    if (options.kind !== 'postgres') throw new Error('expected postgres');
    sql = postgres(options.url, { max: 4, onnotice: () => {} });
    await sql`CREATE TABLE naive_actions (id bigserial PRIMARY KEY, action_id text NOT NULL)`;
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it('loses the action of the transaction that took the lower id but committed later', async () => {
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowInserted!: () => void;
    const slowHasId = new Promise<void>((resolve) => (slowInserted = resolve));

    const slow = sql.begin(async (tx) => {
      await tx`INSERT INTO naive_actions (action_id) VALUES ('slow')`; // takes id 1
      slowInserted();
      await slowMayCommit;
    });
    await slowHasId;
    await sql.begin((tx) => tx`INSERT INTO naive_actions (action_id) VALUES ('fast')`); // id 2, committed

    const pull = (cursor: number) => sql<{ id: string; action_id: string }[]>`SELECT id, action_id FROM naive_actions WHERE id > ${cursor} ORDER BY id`;
    const first = await pull(0);
    expect(first.map((r) => r.action_id)).toEqual(['fast']);
    const cursor = Number(first.at(-1)!.id); // 2

    releaseSlow();
    await slow;
    expect((await pull(cursor)).map((r) => r.action_id)).toEqual([]); // 'slow' (id 1) is never seen
    expect((await pull(0)).map((r) => r.action_id)).toEqual(['slow', 'fast']);
  });
});
