import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/sync/text/base64';
import { diffSplices } from '../../../src/sync/text/splices';
import { applyUpdates, createDocCache, makeEdit, seedClientId, seedState, textOfState, updateProblem } from '../../../src/sync/text/yjsText';

const BASE = '000001750000000:00000:0190f3a0-0000-7000-8000-00000000000a|0190f3a0-0000-7000-a000-000000000001';

describe('Yjs text documents', () => {
  it('derive byte-identical seeds from a base on every replica, so plain bodies need no conversion', () => {
    expect(seedState(BASE, 'Hello')).toEqual(seedState(BASE, 'Hello'));
    expect(textOfState(BASE, seedState(BASE, 'Hello'))).toBe('Hello');
    // Re-stamping keeps the action id, and so the seed.
    expect(seedClientId(BASE)).toBe(seedClientId(BASE.replace('000001750000000', '000001750000999')));
  });

  it('build a seed in place with the same bytes as one made by its own client and loaded (no extra encode)', () => {
    // The construction every earlier version used: a document whose client is the seed's.
    const made = new Y.Doc();
    made.clientID = seedClientId(BASE);
    made.getText('text').insert(0, 'Hello');
    expect(seedState(BASE, 'Hello')).toEqual(Y.encodeStateAsUpdate(made));
    // An edit on the seed is the edit's author's, never the seed's client's.
    const edit = makeEdit({ key: 'k', baseStamp: BASE, baseText: 'Hello', doc: null }, [{ index: 5, deleteCount: 0, insert: '!' }]);
    const after = new Y.Doc();
    Y.applyUpdate(after, edit.state);
    expect(after.getText('text').toString()).toBe('Hello!');
    expect([...Y.encodeStateVector(after)].length).toBeGreaterThan([...Y.encodeStateVector(made)].length);
    expect(Y.decodeStateVector(Y.encodeStateVector(after)).get(seedClientId(BASE))).toBe(5);
  });

  it('carry one saved word of a 10 KB note in well under 200 bytes', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(380);
    const edit = makeEdit({ key: 'k', baseStamp: BASE, baseText: text, doc: null }, diffSplices(text, text.slice(0, 5000) + 'word ' + text.slice(5000)));
    expect(edit.text.length).toBe(text.length + 5);
    expect(edit.update.length).toBeLessThan(200);
    expect(updateProblem(edit.update)).toBeNull();
  });

  it('apply an edit made elsewhere, with or without a cached document, to the same text', () => {
    const cache = createDocCache(2);
    const a = makeEdit({ key: 'a', baseStamp: BASE, baseText: 'one two', doc: null }, [{ index: 3, deleteCount: 0, insert: ' and a half' }]);
    const viaCache = applyUpdates({ key: 'b', baseStamp: BASE, baseText: 'one two', doc: null }, [a.update], cache);
    const fresh = applyUpdates({ key: 'c', baseStamp: BASE, baseText: 'one two', doc: null }, [a.update]);
    expect(viaCache.text).toBe('one and a half two');
    expect(fresh.text).toBe('one and a half two');
    // Applying it again changes nothing (idempotent).
    expect(applyUpdates({ key: 'b', baseStamp: BASE, baseText: '', doc: viaCache.state }, [a.update], cache).text).toBe('one and a half two');
  });

  it('refuse updates that are not a change of the one text', () => {
    expect(updateProblem('not base64!')).toMatch(/base64/);
    expect(updateProblem(toBase64(new Uint8Array([1, 2, 3, 250, 251])))).toMatch(/Yjs update/);
    const other = new Y.Doc();
    other.getMap('m').set('x', 1);
    expect(updateProblem(toBase64(Y.encodeStateAsUpdate(other)))).toMatch(/other than/);
    const wrongType = new Y.Doc();
    wrongType.getText('not-the-text').insert(0, 'hi');
    expect(updateProblem(toBase64(Y.encodeStateAsUpdate(wrongType)))).toMatch(/other than the text/);
  });
});
