// Head changes of a space, fanned out to this instance's live (SSE) listeners. The in-process bus
// serves the embedded SQLite setup (one process); postgresBus.ts carries the same events between
// instances that share a PostgreSQL database.

export type HeadListener = (head: number) => void;

export interface Bus {
  /** Announce that `spaceId`'s head is now `head`. Called after the push transaction committed. */
  publish(spaceId: string, head: number): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(spaceId: string, listener: HeadListener): () => void;
  close(): Promise<void>;
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
  return {
    publish: async (spaceId, head) => fanout.deliver(spaceId, head),
    subscribe: (spaceId, listener) => fanout.subscribe(spaceId, listener),
    close: async () => fanout.clear(),
  };
}
