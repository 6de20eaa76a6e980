// Two server processes on one database, as behind a load balancer. With PostgreSQL: a push to one
// is pulled from the other and announced on the other's event stream (LISTEN/NOTIFY). With SQLite
// (one file, two processes): concurrent pushes through both stay gap-free; live events do not cross
// processes there (the in-process bus), which is why multi-instance deployments use PostgreSQL.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '../../src/sync/protocol';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, makeActions } from './helpers';
import { startServerProcess, type ServerProcess } from './processes';
import { bearer, openSse } from './sse';

for (const kind of backendKinds) {
  describe(`two server processes on one ${kind} database`, () => {
    let db: TestDatabase;
    let a: ServerProcess;
    let b: ServerProcess;
    let user: AuthResponse;
    const on = (server: ServerProcess, token: string) => api((path, init) => fetch(`${server.url}${path}`, init), token);

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      [a, b] = await Promise.all([startServerProcess(db.env), startServerProcess(db.env)]);
      const res = await fetch(`${a.url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'shared', password: 'long enough password' }) });
      user = (await res.json()) as AuthResponse;
    }, 60_000);
    afterAll(async () => {
      const codes = await Promise.all([a?.stop(), b?.stop()]);
      await db?.drop();
      expect(codes).toEqual([0, 0]);
    });

    it('share accounts and one epoch', async () => {
      const [ha, hb] = await Promise.all([a, b].map(async (s) => (await fetch(`${s.url}/api/health`)).json()));
      expect(ha).toEqual(hb);
      expect(ha).toMatchObject({ ok: true, store: kind });
      expect((await on(b, user.token).pull(0)).head).toBe(0);
    });

    it.runIf(kind === 'postgres')('a push to one is pulled from and announced by the other', async () => {
      const events = await openSse(`${b.url}/api/sync/events`, bearer(user.token));
      try {
        const start = await events.nextHead();
        const clientId = uuidv7();
        const actions = makeActions(clientId, 3);
        const pushed = await on(a, user.token).push(clientId, actions);
        expect(await events.nextHead()).toBe(pushed.head);
        const page = await on(b, user.token).pull(start);
        expect(page.actions.map((x) => x.id)).toEqual(actions.map((x) => x.id));
      } finally {
        events.close();
      }
    });

    it('concurrent pushes through both stay gap-free and complete', async () => {
      const before = (await on(a, user.token).pull(0)).head;
      const pusher = async (server: ServerProcess) => {
        const clientId = uuidv7();
        const ids: string[] = [];
        for (let i = 0; i < 10; i++) {
          const batch = makeActions(clientId, 3);
          ids.push(...(await on(server, user.token).push(clientId, batch)).accepted);
        }
        return ids;
      };
      const pushed = (await Promise.all([pusher(a), pusher(b), pusher(a), pusher(b)])).flat();
      for (const server of [a, b]) {
        const all = await on(server, user.token).pullAll(25);
        expect(all.map((x) => x.seq)).toEqual(Array.from({ length: before + pushed.length }, (_, i) => i + 1));
        expect(new Set(all.slice(before).map((x) => x.id))).toEqual(new Set(pushed));
      }
    });
  });
}
