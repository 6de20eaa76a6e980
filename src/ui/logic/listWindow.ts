// Which rows of a long list to render: those in view plus a margin (overscan) either side, for rows
// of one fixed height. The rest of the list is empty space of the right height, so the scroll bar
// and scroll position behave as if every row were there.

export interface ListWindow {
  /** First row rendered (index into the list). */
  readonly start: number;
  /** One past the last row rendered. */
  readonly end: number;
  /** Empty space above the first row rendered, in px. */
  readonly before: number;
  /** Empty space below the last row rendered, in px. */
  readonly after: number;
}

export interface WindowInput {
  readonly count: number;
  readonly rowHeight: number;
  /** The list's scrollTop, relative to its first row. */
  readonly scrollTop: number;
  readonly viewportHeight: number;
  /** Rows rendered beyond the view on each side. */
  readonly overscan: number;
}

export function listWindow(i: WindowInput): ListWindow {
  const rowHeight = Math.max(1, i.rowHeight);
  const firstInView = Math.floor(Math.max(0, i.scrollTop) / rowHeight);
  const inView = Math.ceil(Math.max(0, i.viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(firstInView - i.overscan, i.count - inView - i.overscan));
  const end = Math.min(i.count, firstInView + inView + i.overscan);
  const from = Math.min(start, end);
  return { start: from, end, before: from * rowHeight, after: (i.count - end) * rowHeight };
}

/**
 * The scrollTop that brings row `index` fully into view, moving as little as possible; the
 * current one when it is already in view.
 */
export function scrollToShow(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Where the arrow keys, Home and End move from row `at` of `count`; 'search' above the first. */
export function keyTarget(key: string, at: number, count: number): number | 'search' | null {
  if (count === 0) return null;
  if (key === 'ArrowDown') return Math.min(at + 1, count - 1);
  if (key === 'ArrowUp') return at <= 0 ? 'search' : at - 1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
