// Splits a page's rows into statements of bounded size, in order. One statement per page is what
// makes a pulled page cheap, but its JSON (and documents' blob) is built whole in JS and copied
// whole into sqlite-wasm's heap: a page of long notes (bodies up to 500k characters) must not ask
// for hundreds of MB at once.

/** Bytes a statement's rows may add up to (roughly: string lengths and blob sizes). */
export const STATEMENT_BUDGET = 4 * 1024 * 1024;

/** `items` in order, cut before an item that would take a chunk past `budget` (never empty chunks). */
export function chunksBySize<T>(items: readonly T[], sizeOf: (item: T) => number, budget = STATEMENT_BUDGET): T[][] {
  const out: T[][] = [];
  let chunk: T[] = [];
  let size = 0;
  for (const item of items) {
    const s = sizeOf(item);
    if (chunk.length > 0 && size + s > budget) {
      out.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(item);
    size += s;
  }
  if (chunk.length > 0) out.push(chunk);
  return out;
}
