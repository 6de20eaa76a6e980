import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoteSummary } from '../../../src/worker/api';
import { insertionIndex, keepUnchanged, patchList } from '../../../src/ui/logic/listPatch';

const note = (id: string, changedAt: number, title = `note ${id}`): NoteSummary => ({ id, title, snippet: '', changedAt, pending: false });
const ids = (list: readonly NoteSummary[]): string[] => list.map((n) => n.id);
const ordered = (list: readonly NoteSummary[]): NoteSummary[] =>
  [...list].sort((a, b) => (b.changedAt !== a.changedAt ? b.changedAt - a.changedAt : b.id < a.id ? -1 : b.id > a.id ? 1 : 0));

describe('patchList', () => {
  const list = [note('c', 30), note('b', 20), note('a', 10)];

  it('puts a new note at the top', () => {
    expect(ids(patchList(list, [note('d', 40)], []))).toEqual(['d', 'c', 'b', 'a']);
  });

  it('moves an edited note to where its new time puts it, replacing its old row', () => {
    const edited = note('a', 35, 'edited');
    const patched = patchList(list, [edited], []);
    expect(ids(patched)).toEqual(['a', 'c', 'b']);
    expect(patched[0]).toBe(edited);
  });

  it('takes deleted notes out', () => {
    expect(ids(patchList(list, [], ['b', 'unknown']))).toEqual(['c', 'a']);
  });

  it('keeps the objects of rows that did not change, and the list itself when nothing did', () => {
    const patched = patchList(list, [note('d', 5)], []);
    expect(patched[0]).toBe(list[0]);
    expect(patchList(list, [note('b', 20)], ['zzz'])).toBe(list);
  });

  it('orders equal times by id, descending, as the worker lists them', () => {
    expect(ids(patchList([note('a', 10)], [note('c', 10), note('b', 10)], []))).toEqual(['c', 'b', 'a']);
    expect(insertionIndex([note('c', 10), note('a', 10)], note('b', 10))).toBe(1);
  });

  it('gives the same list as reading it all again, whatever changed', () => {
    const row = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), t: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => r.id }), fc.uniqueArray(row, { selector: (r) => r.id }), fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f')), (before, changed, removedRaw) => {
        const removed = removedRaw.filter((id) => !changed.some((c) => c.id === id));
        const start = ordered(before.map((r) => note(r.id, r.t)));
        const changedRows = changed.map((r) => note(r.id, r.t, 'new'));
        const expected = ordered([...start.filter((n) => !changed.some((c) => c.id === n.id) && !removed.includes(n.id)), ...changedRows]);
        expect(patchList(start, changedRows, removed)).toEqual(expected);
      }),
    );
  });
});

describe('keepUnchanged', () => {
  it('keeps the old objects of rows that read the same, takes the new ones otherwise', () => {
    const before = [note('b', 20), note('a', 10)];
    const fresh = [note('c', 30), note('b', 20), note('a', 10, 'renamed')];
    const kept = keepUnchanged(before, fresh);
    expect(ids(kept)).toEqual(['c', 'b', 'a']);
    expect(kept[1]).toBe(before[0]);
    expect(kept[2]).toBe(fresh[2]);
  });
});
