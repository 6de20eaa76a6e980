// Where text sits in a textarea, in pixels from the top of its content. A textarea does not expose
// its line boxes, so the text is laid out in a hidden copy of it (a div with the same width, font and
// wrapping), measured, and the copy removed. The editor uses it to keep what the person is looking
// at in place on screen when text above it changes (a remote edit).

const copiedStyles = [
  'fontFamily',
  'fontSize',
  'fontStyle',
  'fontWeight',
  'fontVariant',
  'fontStretch',
  'fontKerning',
  'fontFeatureSettings',
  'lineHeight',
  'letterSpacing',
  'wordSpacing',
  'textIndent',
  'textTransform',
  'textAlign',
  'tabSize',
  'direction',
  'wordBreak',
  'overflowWrap',
  'paddingTop',
] as const;

/** A hidden div laying text out as `el` does (content width, font, wrapping), with its top padding. */
function withMirror<T>(el: HTMLTextAreaElement, fill: (mirror: HTMLDivElement) => T): T {
  const style = getComputedStyle(el);
  const mirror = document.createElement('div');
  mirror.setAttribute('aria-hidden', 'true');
  const s = mirror.style;
  for (const p of copiedStyles) s[p] = style[p];
  s.position = 'absolute';
  s.top = '0';
  s.left = '-100000px';
  s.visibility = 'hidden';
  s.boxSizing = 'content-box';
  s.width = `${el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)}px`;
  s.padding = `${style.paddingTop} 0 0 0`;
  s.border = '0';
  s.whiteSpace = 'pre-wrap';
  document.body.append(mirror);
  try {
    return fill(mirror);
  } finally {
    mirror.remove();
  }
}

/** The top of the line box holding character `index` of `text`, laid out as in `el`. */
export function offsetOfIndex(el: HTMLTextAreaElement, text: string, index: number): number {
  return withMirror(el, (mirror) => {
    const marker = document.createElement('span');
    // A character of the text itself where there is one, so the marker wraps as that character would.
    marker.textContent = text.slice(index, index + 1).replace('\n', '') || '\u200b';
    mirror.append(text.slice(0, index), marker);
    return marker.offsetTop;
  });
}

/** The start of the last line (after a line break) whose top is at or above `y`, and that top. */
export function lineAtOffset(el: HTMLTextAreaElement, text: string, y: number): { readonly index: number; readonly top: number } {
  return withMirror(el, (mirror) => {
    const starts: number[] = [];
    const spans: HTMLSpanElement[] = [];
    let at = 0;
    for (const line of text.split('\n')) {
      const span = document.createElement('span');
      span.textContent = `${line}\n`;
      starts.push(at);
      spans.push(span);
      at += line.length + 1;
    }
    mirror.append(...spans);
    let lo = 0;
    let hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid]!.offsetTop <= y) lo = mid;
      else hi = mid - 1;
    }
    return { index: starts[lo]!, top: spans[lo]!.offsetTop };
  });
}
