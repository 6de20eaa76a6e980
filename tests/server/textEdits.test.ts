// Text edits on the wire: the server takes a well-formed Yjs update of a text field and serves it as
// pushed; anything else is refused with a 4xx naming the action, nothing stored, before any of it
// could reach a document.

import * as Y from 'yjs';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action } from '../../src/sync/action';
import { LIMITS } from '../../src/sync/protocol';
import { toBase64 } from '../../src/sync/text/base64';
import { makeEdit } from '../../src/sync/text/yjsText';
import { createTestServer, type TestServer } from '../../src/server/testing';
import { backendKinds, createTestDatabase, type TestDatabase } from './backends';
import { api, expectError, makeAction } from './helpers';

for (const kind of backendKinds) {
  describe(`text edits [${kind}]`, () => {
    let db: TestDatabase;
    let server: TestServer;
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      server = await createTestServer({ backend: db.options() });
    });
    afterAll(async () => {
      await server?.close();
      await db?.drop();
    });

    async function setup() {
      const { token } = await server.register();
      const clientId = uuidv7();
      const client = api(server.fetch, token);
      const create = makeAction(clientId, { ms: server.clock.now() });
      await client.push(clientId, [create]);
      const base = `${create.hlc}|${create.id}`;
      const editOf = (edits: Action['edits']): Action => ({ ...makeAction(clientId, { ms: server.clock.now(), type: 'update', entityId: create.entityId, payload: {} }), edits });
      return { client, clientId, base, editOf };
    }

    it('stores a well-formed edit and serves it as pushed', async () => {
      const { client, clientId, base, editOf } = await setup();
      const update = makeEdit({ key: 'k', baseStamp: base, baseText: 'text', doc: null }, [{ index: 4, deleteCount: 0, insert: ' more' }]).update;
      const edit = editOf({ body: { base, update } });
      expect((await client.push(clientId, [edit])).accepted).toEqual([edit.id]);
      expect((await client.pull(1)).actions).toEqual([{ ...edit, seq: 2 }]);
    });

    it('refuses malformed updates, edits of a field that is not text, and oversized ones, storing nothing', async () => {
      const { client, clientId, base, editOf } = await setup();
      const map = new Y.Doc();
      map.getMap('m').set('k', 'v');
      const cases: [Action['edits'], RegExp][] = [
        [{ body: { base, update: toBase64(new Uint8Array([9, 9, 9, 9, 9])) } }, /not a Yjs update/],
        [{ body: { base, update: toBase64(Y.encodeStateAsUpdate(map)) } }, /other than/],
        [{ title: { base, update: 'AAA=' } }, /not a text field/],
        [{ body: { base, update: 'A'.repeat(LIMITS.maxEditChars + 4) } }, /at most/],
      ];
      for (const [edits, message] of cases) {
        const bad = editOf(edits);
        const body = await expectError(await client.pushRaw({ clientId, actions: [bad] }), 400, 'invalid_action');
        expect(body.actionId).toBe(bad.id);
        expect(body.message).toMatch(message);
        expect(body.message.length).toBeLessThan(300);
      }
      expect((await client.pull(1)).actions).toEqual([]);
    });
  });
}
