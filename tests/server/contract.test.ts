// The client's own transport (src/sync/cycle/transport.ts) against the real server app: what one sends the
// other accepts, and each server error reaches the client as the kind it acts on.

import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { LIMITS } from '../../src/sync/protocol';
import { httpTransport, SyncError } from '../../src/sync/cycle/transport';
import { makeAction, makeActions } from './helpers';

describe('client transport against the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const transportFor = (token: string | null) => httpTransport({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });

  async function failure(p: Promise<unknown>): Promise<SyncError> {
    const e = await p.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(SyncError);
    return e as SyncError;
  }

  it('pushes and pulls through the client’s validation', async () => {
    const { token } = await server.register();
    const t = transportFor(token);
    const clientId = uuidv7();
    const actions = makeActions(clientId, 3, server.clock.now());
    expect(await t.push(clientId, actions)).toEqual({ accepted: actions.map((a) => a.id), duplicates: [], head: 3 });
    const page = await t.pull(0, 2);
    expect(page).toMatchObject({ cursor: 2, head: 3, hasMore: true, epoch: server.store.epoch });
    expect(page.actions).toEqual(actions.slice(0, 2).map((a, i) => ({ ...a, seq: i + 1 })));
  });

  it('maps server errors to the kinds the sync cycle acts on', async () => {
    const { token } = await server.register();
    const t = transportFor(token);
    const clientId = uuidv7();

    const bad = { ...makeAction(clientId, { ms: server.clock.now() }), payload: { nope: 'x' } };
    expect(await failure(t.push(clientId, [bad]))).toMatchObject({ kind: 'invalid_action', details: { actionId: bad.id, status: 400 } });

    const ahead = makeAction(clientId, { ms: server.clock.now() + LIMITS.maxClockAheadMs + 60_000 });
    expect(await failure(t.push(clientId, [ahead]))).toMatchObject({ kind: 'clock_ahead', details: { serverTime: server.clock.now() } });

    const mine = uuidv7();
    await transportFor((await server.register()).token).push(mine, [makeAction(mine, { ms: server.clock.now() })]);
    expect(await failure(t.push(mine, [makeAction(mine, { ms: server.clock.now() })]))).toMatchObject({ kind: 'forbidden' });

    expect(await failure(transportFor('x'.repeat(43)).pull(0, 10))).toMatchObject({ kind: 'unauthorized' });
  });
});
