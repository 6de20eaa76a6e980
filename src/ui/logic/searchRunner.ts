// Search as you type, without Solid: a light debounce, one answer shown per query, and answers to
// queries the user has since changed dropped (they may arrive out of order). The store binds it to
// signals; tests drive it with manual timers.

export interface SearchRunnerDeps<Hit> {
  readonly search: (query: string) => Promise<readonly Hit[]>;
  /** Runs `run` after `ms`; returns a cancel. */
  readonly schedule: (run: () => void, ms: number) => () => void;
  /** The hits for `query`, or null when there is nothing to search for (show every note). */
  readonly show: (hits: readonly Hit[] | null, query: string) => void;
  readonly fail: (error: unknown) => void;
  readonly debounceMs?: number;
}

export const SEARCH_DEBOUNCE_MS = 60;

/** A query only searches once it has a letter or digit: "(" or "-" alone would match nothing. */
export function isSearchable(query: string): boolean {
  return /[\p{L}\p{N}]/u.test(query);
}

export class SearchRunner<Hit> {
  private query = '';
  /** Bumped by every new query: an answer carrying an older number is stale. */
  private generation = 0;
  private cancelTimer: (() => void) | null = null;
  private settledFor: string | null = '';

  constructor(private readonly deps: SearchRunnerDeps<Hit>) {}

  /** The query the shown hits answer, or null while the answer to the current one is awaited. */
  get settledQuery(): string | null {
    return this.settledFor;
  }

  setQuery(query: string): void {
    if (query === this.query) return;
    this.query = query;
    this.generation++;
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (!isSearchable(query)) {
      this.settledFor = query;
      this.deps.show(null, query);
      return;
    }
    this.settledFor = null;
    const generation = this.generation;
    this.cancelTimer = this.deps.schedule(() => {
      this.cancelTimer = null;
      void this.run(generation);
    }, this.deps.debounceMs ?? SEARCH_DEBOUNCE_MS);
  }

  /** The notes changed: runs the current search again now. Resolves once its answer is shown (or dropped). */
  refresh(): Promise<void> {
    if (!isSearchable(this.query)) return Promise.resolve();
    this.cancelTimer?.();
    this.cancelTimer = null;
    return this.run(++this.generation);
  }

  private async run(generation: number): Promise<void> {
    const query = this.query;
    try {
      const hits = await this.deps.search(query);
      if (generation !== this.generation) return;
      this.settledFor = query;
      this.deps.show(hits, query);
    } catch (error) {
      if (generation === this.generation) this.deps.fail(error);
    }
  }
}
