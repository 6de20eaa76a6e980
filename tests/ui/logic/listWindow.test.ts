import { describe, expect, it } from 'vitest';
import { keyTarget, listWindow, scrollToShow } from '../../../src/ui/logic/listWindow';

const base = { count: 10_000, rowHeight: 50, scrollTop: 0, viewportHeight: 500, overscan: 5 };

describe('listWindow', () => {
  it('renders the rows in view plus the overscan, the rest is space of the right height', () => {
    const w = listWindow(base);
    expect(w.start).toBe(0);
    expect(w.end).toBe(11 + 5);
    expect(w.before).toBe(0);
    expect(w.before + (w.end - w.start) * 50 + w.after).toBe(10_000 * 50);
  });

  it('follows the scroll position', () => {
    const w = listWindow({ ...base, scrollTop: 5_000 * 50 + 20 });
    expect(w.start).toBe(5_000 - 5);
    expect(w.end).toBe(5_000 + 11 + 5);
    expect(w.before).toBe(w.start * 50);
    expect(w.after).toBe((10_000 - w.end) * 50);
  });

  it('still renders the last screen when scrolled past the end (the list just got shorter)', () => {
    const w = listWindow({ ...base, count: 30, scrollTop: 100_000 });
    expect(w.end).toBe(30);
    expect(w.start).toBe(30 - 11 - 5);
    expect(w.after).toBe(0);
  });

  it('renders everything of a short list and nothing of an empty one', () => {
    expect(listWindow({ ...base, count: 3 })).toEqual({ start: 0, end: 3, before: 0, after: 0 });
    expect(listWindow({ ...base, count: 0 })).toEqual({ start: 0, end: 0, before: 0, after: 0 });
  });
});

describe('scrollToShow', () => {
  it('scrolls as little as possible to show a row, and not at all when it is in view', () => {
    expect(scrollToShow(3, 50, 0, 500)).toBe(0);
    expect(scrollToShow(9_999, 50, 0, 500)).toBe(10_000 * 50 - 500);
    expect(scrollToShow(0, 50, 10_000, 500)).toBe(0);
    expect(scrollToShow(100, 50, 6_000, 500)).toBe(5_000);
  });
});

describe('keyTarget', () => {
  it('moves down, up, to the ends, and above the first row to the search box', () => {
    expect(keyTarget('ArrowDown', 0, 10)).toBe(1);
    expect(keyTarget('ArrowDown', 9, 10)).toBe(9);
    expect(keyTarget('ArrowUp', 5, 10)).toBe(4);
    expect(keyTarget('ArrowUp', 0, 10)).toBe('search');
    expect(keyTarget('Home', 5, 10)).toBe(0);
    expect(keyTarget('End', 5, 10)).toBe(9);
    expect(keyTarget('a', 5, 10)).toBeNull();
    expect(keyTarget('ArrowDown', -1, 0)).toBeNull();
  });
});
