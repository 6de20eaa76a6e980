// `npm run bench` times the page's own write path, the one the controls use (optimistic, so what it
// measures is what a person sees). Its probe (bench/browser/probe.ts), injected before the app's
// scripts, asks for it by putting a function on window; without one, which is always the case
// outside the bench, nothing is offered and nothing is kept.

/** What the page offers the bench: its optimistic create, as New note runs it. */
export interface BenchWrites {
  /** Creates a note with this text the way the page does; resolves once its stored row is listed. */
  createNote(title: string, body: string): Promise<void>;
}

declare global {
  interface Window {
    /** Set by the bench's probe only. */
    __notesBenchAttach?: (writes: BenchWrites) => void;
  }
}

export function offerToBench(writes: BenchWrites): void {
  const attach = window.__notesBenchAttach;
  if (typeof attach === 'function') attach(writes);
}
