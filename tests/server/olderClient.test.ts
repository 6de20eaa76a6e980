// An app from before text edits (its sync client, protocol v1, copied from git history into
// tests/fixtures/clientV1) against today's server: its whole-string body writes are taken and merge
// as replaces; its pulls are refused with a sentence it shows (it cannot read edits), asking for a
// reload; nothing it wrote is lost once it reloads into today's app.

import { afterEach, describe, expect, it } from 'vitest';
import { formatHlc } from '../../src/sync/hlc';
import { mergeAll, type EntityState } from '../../src/sync/merge';
import { diffSplices } from '../../src/sync/text/splices';
import { makeEdit } from '../../src/sync/text/yjsText';
import { httpTransport } from '../../src/sync/cycle/transport';
import { createTestServer, type TestServer } from '../../src/server/testing';
import type { Action as ActionV1 } from '../fixtures/clientV1/action';
import { httpTransport as httpTransportV1, SyncError as SyncErrorV1 } from '../fixtures/clientV1/transport';

const OLD = '0198c000-0000-7000-8000-00000000000a';
const NEW = '0198c000-0000-7000-8000-00000000000b';
const NOTE = '0198c000-0000-7000-8000-0000000000aa';
const id = (n: number) => `0198c000-0000-7000-a000-${n.toString(16).padStart(12, '0')}`;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('an older app against this server', () => {
  it('pushes whole-string bodies that merge as replaces, is told in words to reload when it pulls, and loses nothing', async () => {
    server = await createTestServer();
    const now = server.clock.now();
    const { token } = await server.register();
    const old = httpTransportV1({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });
    const current = httpTransport({ baseUrl: server.baseUrl, fetch: server.fetch, token: () => token });

    // The old app creates a note; today's app edits its body at character level.
    const create: ActionV1 = { id: id(1), collection: 'notes', entityId: NOTE, type: 'create', payload: { title: 'Old', body: 'written by the old app' }, hlc: formatHlc({ ms: now, counter: 0, node: OLD }), clientId: OLD };
    expect((await old.push(OLD, [create])).accepted).toEqual([id(1)]);
    const base = `${create.hlc}|${create.id}`;
    const edit = makeEdit({ key: 'k', baseStamp: base, baseText: create.payload.body!, doc: null }, diffSplices(create.payload.body!, 'written by the old app, edited here'));
    await current.push(NEW, [{ id: id(2), collection: 'notes', entityId: NOTE, type: 'update', payload: {}, edits: { body: { base, update: edit.update } }, hlc: formatHlc({ ms: now + 1, counter: 0, node: NEW }), clientId: NEW }]);

    // Its pull is refused with a reason it can show, not a crash on a format it cannot read.
    const refused = await old.pull(0, 100).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SyncErrorV1);
    expect((refused as SyncErrorV1).kind).toBe('rejected');
    expect((refused as SyncErrorV1).message).toMatch(/reload the app/i);

    // Its next save is still taken: a whole-string write, which wins as a replace.
    const save: ActionV1 = { id: id(3), collection: 'notes', entityId: NOTE, type: 'update', payload: { body: 'the old app saved again' }, base: { body: base }, hlc: formatHlc({ ms: now + 2, counter: 0, node: OLD }), clientId: OLD };
    expect((await old.push(OLD, [save])).accepted).toEqual([id(3)]);

    const page = await current.pull(0, 100);
    expect(page.actions.map((a) => a.id)).toEqual([id(1), id(2), id(3)]);
    const states = new Map<string, EntityState>();
    mergeAll(states, page.actions);
    expect([...states.values()][0]?.fields).toEqual({ title: 'Old', body: 'the old app saved again' });
  });
});
