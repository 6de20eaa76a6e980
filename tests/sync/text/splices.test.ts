import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySplices, diffSplices, mapPosition, rebaseText } from '../../../src/sync/text/splices';

const params = { numRuns: 300, verbose: 1 as const };
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', '\n', 'é', '😀'), maxLength: 40 });

describe('splices', () => {
  it('diffSplices(a, b) applied to a gives b, sorted and disjoint', () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const splices = diffSplices(a, b);
        expect(applySplices(a, splices)).toBe(b);
        for (let i = 1; i < splices.length; i++) expect(splices[i]!.index).toBeGreaterThan(splices[i - 1]!.index + splices[i - 1]!.deleteCount - 1);
      }),
      params,
    );
  });

  it('a one-word change is one small splice, not the whole text', () => {
    const before = 'The quick brown fox jumps over the lazy dog. '.repeat(200);
    const after = before.slice(0, 4000) + 'hello ' + before.slice(4000);
    expect(diffSplices(before, after)).toEqual([{ index: 4000, deleteCount: 0, insert: 'hello ' }]);
  });

  it('rebase keeps either side alone as it is', () => {
    fc.assert(
      fc.property(textArb, textArb, (base, other) => {
        expect(rebaseText(base, other, base)).toBe(other);
        expect(rebaseText(base, base, other)).toBe(other);
      }),
      params,
    );
  });

  it('rebase onto a text that already holds my change does not repeat it', () => {
    expect(rebaseText('about to be deleted', 'B kept working on this', 'B kept working on this')).toBe('B kept working on this');
    fc.assert(
      fc.property(textArb, textArb, (base, mine) => {
        expect(rebaseText(base, mine, mine)).toBe(mine);
      }),
      params,
    );
  });

  it('changes to different parts of a text both survive', () => {
    fc.assert(
      fc.property(textArb, textArb, textArb, textArb, (left, right, left2, right2) => {
        const base = `${left}|${right}`;
        expect(rebaseText(base, `${left2}|${right}`, `${left}|${right2}`)).toBe(`${left2}|${right2}`);
      }),
      params,
    );
  });

  it('every insert of either side is in the result, even where both changed the same place', () => {
    fc.assert(
      fc.property(textArb, fc.nat(40), fc.nat(40), fc.nat(5), (base, i, j, del) => {
        const p = i % (base.length + 1);
        const q = j % (base.length + 1);
        const mine = base.slice(0, p) + '[MINE]' + base.slice(Math.min(base.length, p + del));
        const theirs = base.slice(0, q) + '{THEIRS}' + base.slice(q);
        const merged = rebaseText(base, mine, theirs);
        expect(merged).toContain('[MINE]');
        expect(merged).toContain('{THEIRS}');
      }),
      params,
    );
  });

  it('a caret stays after the text it followed when text lands elsewhere', () => {
    const before = 'first line\nsecond line';
    const after = 'FIRST LINE, edited\nsecond line';
    const caret = before.indexOf('line', 12) + 4;
    expect(after.slice(0, mapPosition(before, after, caret)).endsWith('second line')).toBe(true);
    expect(mapPosition('abc', 'abc', 2)).toBe(2);
  });
});
