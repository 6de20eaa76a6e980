// Titles waited for in a live query's results: each resolves at the first result that holds it.

export class TitleWaiters {
  private readonly waiting = new Map<string, (at: number) => void>();

  wait(title: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(title, resolve));
  }

  /** Called with each new result of the live query. */
  offer(titles: Iterable<unknown>): void {
    if (this.waiting.size === 0) return;
    const at = performance.now();
    for (const t of titles) {
      if (typeof t !== 'string') continue;
      const done = this.waiting.get(t);
      if (done) {
        this.waiting.delete(t);
        done(at);
      }
    }
  }
}
