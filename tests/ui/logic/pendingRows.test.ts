import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NoteSummary } from '../../../src/worker/api';
import { patchList } from '../../../src/ui/logic/listPatch';
import { emptyOverlay, pend, settle, withOverlay, writtenRow, type Overlay, type PendingChange } from '../../../src/ui/logic/pendingRows';

const note = (id: string, changedAt: number, title = `note ${id}`): NoteSummary => ({ id, title, snippet: '', changedAt, pending: false });
const ids = (list: readonly NoteSummary[]): string[] => list.map((n) => n.id);
const put = (row: NoteSummary): PendingChange => ({ kind: 'put', row });
const remove: () => PendingChange = () => ({ kind: 'remove' });

describe('withOverlay (the list with the writes made here, not yet confirmed)', () => {
  const list = [note('c', 30), note('b', 20), note('a', 10)];

  it('is the stored list itself while nothing is pending', () => {
    expect(withOverlay(list, emptyOverlay)).toBe(list);
  });

  it('lists a new note at once, at the top', () => {
    const shown = withOverlay(list, pend(emptyOverlay, 'd', put(note('d', 40, 'new'))));
    expect(ids(shown)).toEqual(['d', 'c', 'b', 'a']);
    expect(shown[0]!.title).toBe('new');
  });

  it('shows typed text in its row, moved to the top, and the other rows keep their objects', () => {
    const shown = withOverlay(list, pend(emptyOverlay, 'a', put(note('a', 35, 'typed'))));
    expect(ids(shown)).toEqual(['a', 'c', 'b']);
    expect(shown[0]!.title).toBe('typed');
    expect(shown[1]).toBe(list[0]);
    expect(shown[2]).toBe(list[1]);
  });

  it('hides a deleted note at once', () => {
    expect(ids(withOverlay(list, pend(emptyOverlay, 'b', remove())))).toEqual(['c', 'a']);
  });

  it('is what the stored list becomes once the worker confirms every change (confirming shows nothing new)', () => {
    const row = fc.record({ id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), changedAt: fc.integer({ min: 0, max: 50 }), title: fc.string({ maxLength: 3 }) });
    fc.assert(
      fc.property(fc.uniqueArray(row, { selector: (r) => r.id }), fc.array(fc.tuple(row, fc.boolean())), (stored, changes) => {
        const base = patchList([], stored.map((r) => note(r.id, r.changedAt, r.title)), []);
        let overlay: Overlay = emptyOverlay;
        for (const [r, removed] of changes) overlay = pend(overlay, r.id, removed ? remove() : put(note(r.id, r.changedAt, r.title)));
        const puts = [...overlay.values()].flatMap((c) => (c.kind === 'put' ? [c.row] : []));
        const removes = [...overlay].flatMap(([id, c]) => (c.kind === 'remove' ? [id] : []));
        expect(withOverlay(base, overlay)).toEqual(patchList(base, puts, removes));
      }),
    );
  });
});

describe('settle (a change confirmed or refused)', () => {
  it("drops the note's entry: a refused write shows the stored row again", () => {
    const list = [note('b', 20, 'stored'), note('a', 10)];
    const typed = put(note('b', 30, 'not stored'));
    const overlay = pend(emptyOverlay, 'b', typed);
    expect(withOverlay(list, overlay)[0]!.title).toBe('not stored');
    const after = settle(overlay, 'b', typed);
    expect(after.size).toBe(0);
    expect(withOverlay(list, after)).toBe(list);
  });

  it('keeps a newer change to the same note: the answer to an older write does not undo newer typing', () => {
    const older = put(note('a', 30, 'ty'));
    const newer = put(note('a', 31, 'typed'));
    const overlay = pend(pend(emptyOverlay, 'a', older), 'a', newer);
    expect(settle(overlay, 'a', older)).toBe(overlay);
    expect(withOverlay([note('a', 1)], overlay)[0]!.title).toBe('typed');
    expect(settle(overlay, 'a', newer).size).toBe(0);
  });

  it('leaves the overlay as it is for a note with no entry', () => {
    const overlay = pend(emptyOverlay, 'a', remove());
    expect(settle(overlay, 'b', remove())).toBe(overlay);
  });
});

describe('writtenRow', () => {
  it("is the text on screen, with the body's first line as the list shows it, pending and changed now", () => {
    expect(writtenRow('a', { title: 'T', body: '\n  \n  first line  \nsecond' }, 500)).toEqual({
      id: 'a',
      title: 'T',
      snippet: 'first line',
      changedAt: 500,
      pending: true,
    });
  });

  it('never moves a row down when the clock went back', () => {
    expect(writtenRow('a', { title: '', body: '' }, 100, note('a', 900)).changedAt).toBe(900);
  });
});
