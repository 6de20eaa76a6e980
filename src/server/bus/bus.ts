// Head changes of a space, fanned out to this instance's live (SSE) listeners. The in-process bus
// serves the embedded SQLite setup (one process); postgresBus.ts carries the same events between
// instances that share a PostgreSQL database.

export type HeadListener = (head: number) => void;

/** Sessions that just ended: one token's, or every one of a user's except `except` (a token hash). */
export type SessionsEnded = { readonly tokenHash: string } | { readonly userId: string; readonly except?: string };

export type SessionsEndedListener = (ended: SessionsEnded) => void;

export interface Bus {
  /** Announce that `spaceId`'s head is now `head`. Called after the push transaction committed. */
  publish(spaceId: string, head: number): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(spaceId: string, listener: HeadListener): () => void;
  /** Tell every instance (this one too) that sessions ended, so their live streams end at once. */
  publishSessionsEnded(ended: SessionsEnded): Promise<void>;
  onSessionsEnded(listener: SessionsEndedListener): () => void;
  close(): Promise<void>;
}

/** Listeners of ended sessions, shared by both buses. */
export class EndedFanout {
  private readonly listeners = new Set<SessionsEndedListener>();

  add(listener: SessionsEndedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deliver(ended: SessionsEnded): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(ended);
      } catch {
        // As for heads: one failing listener must not keep the others from hearing.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Listener bookkeeping shared by both buses: per space, a set of listeners. */
export class LocalFanout {
  private readonly bySpace = new Map<string, Set<HeadListener>>();

  subscribe(spaceId: string, listener: HeadListener): () => void {
    let set = this.bySpace.get(spaceId);
    if (!set) this.bySpace.set(spaceId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.bySpace.get(spaceId) === set) this.bySpace.delete(spaceId);
    };
  }

  deliver(spaceId: string, head: number): void {
    for (const listener of [...(this.bySpace.get(spaceId) ?? [])]) {
      try {
        listener(head);
      } catch {
        // One broken listener (a closed stream) must not starve the others.
      }
    }
  }

  clear(): void {
    this.bySpace.clear();
  }
}

export function memoryBus(): Bus {
  const fanout = new LocalFanout();
  const ended = new EndedFanout();
  return {
    publish: async (spaceId, head) => fanout.deliver(spaceId, head),
    subscribe: (spaceId, listener) => fanout.subscribe(spaceId, listener),
    publishSessionsEnded: async (e) => ended.deliver(e),
    onSessionsEnded: (listener) => ended.add(listener),
    close: async () => {
      fanout.clear();
      ended.clear();
    },
  };
}
