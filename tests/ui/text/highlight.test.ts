import { describe, expect, it } from 'vitest';
import { highlightSegments, leadToFirstMatch } from '../../../src/ui/text/highlight';

const join = (segments: { text: string }[]): string => segments.map((s) => s.text).join('');
const marked = (segments: { text: string; match: boolean }[]): string[] => segments.filter((s) => s.match).map((s) => s.text);

describe('highlightSegments', () => {
  it('cuts the text into plain and matched pieces that join back into it', () => {
    const text = 'Train to Lyon, then Lyons';
    const segments = highlightSegments(text, [
      { start: 9, end: 13 },
      { start: 20, end: 24 },
    ]);
    expect(join(segments)).toBe(text);
    expect(marked(segments)).toEqual(['Lyon', 'Lyon']);
    expect(segments[0]).toEqual({ text: 'Train to ', match: false });
  });

  it('marks a match at the very start and the very end', () => {
    const segments = highlightSegments('café', [{ start: 0, end: 4 }]);
    expect(segments).toEqual([{ text: 'café', match: true }]);
  });

  it('without ranges is the text, unmarked (the empty string included)', () => {
    expect(highlightSegments('plain', undefined)).toEqual([{ text: 'plain', match: false }]);
    expect(highlightSegments('', [])).toEqual([{ text: '', match: false }]);
  });

  it('keeps markup as text: the pieces are strings, not HTML', () => {
    const text = '<b>bold</b>';
    expect(marked(highlightSegments(text, [{ start: 3, end: 7 }]))).toEqual(['bold']);
  });

  it('clamps ranges past the end and skips overlapping or reversed ones', () => {
    const text = 'abcdef';
    const segments = highlightSegments(text, [
      { start: 1, end: 3 },
      { start: 2, end: 4 },
      { start: 5, end: 2 },
      { start: 5, end: 99 },
      { start: 50, end: 60 },
    ]);
    expect(join(segments)).toBe(text);
    expect(marked(segments)).toEqual(['bc', 'd', 'f']);
  });
});

describe('leadToFirstMatch', () => {
  it('leaves a snippet whose first match is near its start as it is', () => {
    const ranges = [{ start: 9, end: 13 }];
    expect(leadToFirstMatch('Train to Lyon on Friday', ranges)).toEqual({ text: 'Train to Lyon on Friday', ranges });
    expect(leadToFirstMatch('no match here', undefined)).toEqual({ text: 'no match here', ranges: undefined });
  });

  it('cuts the words well before a late match, at a word start, and moves the ranges with the text', () => {
    const text = 'Discuss the roadmap for the third quarter; Lyonnaise potatoes at lunch';
    const start = text.indexOf('Lyon');
    const cut = leadToFirstMatch(text, [{ start, end: start + 4 }]);
    expect(cut.text).toBe('…the third quarter; Lyonnaise potatoes at lunch');
    const [r] = cut.ranges!;
    expect(cut.text.slice(r!.start, r!.end)).toBe('Lyon');
    expect(marked(highlightSegments(cut.text, cut.ranges))).toEqual(['Lyon']);
  });

  it('cuts right at the match when no word starts within the lead', () => {
    const text = `${'x'.repeat(60)}Lyon`;
    const cut = leadToFirstMatch(text, [{ start: 60, end: 64 }]);
    expect(cut.text).toBe('…Lyon');
    expect(cut.ranges).toEqual([{ start: 1, end: 5 }]);
  });
});
