// The open live-event streams of this instance, by owner, so that they can be capped per account
// and ended at once when their session ends (sign-out, password change, sign out everywhere,
// account deletion, and shutdown). Other instances hear of ended sessions through the bus.

import type { SessionsEnded } from '../bus/bus';

export interface StreamOwner {
  readonly userId: string;
  readonly tokenHash: string;
}

interface Entry extends StreamOwner {
  readonly close: () => void;
}

export class LiveStreams {
  private readonly entries = new Set<Entry>();
  private closing = false;

  get size(): number {
    return this.entries.size;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  countFor(userId: string): number {
    let n = 0;
    for (const e of this.entries) if (e.userId === userId) n++;
    return n;
  }

  /** Registers a stream; returns its unregister function. */
  add(owner: StreamOwner, close: () => void): () => void {
    const entry: Entry = { ...owner, close };
    this.entries.add(entry);
    return () => this.entries.delete(entry);
  }

  /** Ends the streams of the sessions that ended; returns how many. */
  end(which: SessionsEnded): number {
    const matches = [...this.entries].filter((e) =>
      'tokenHash' in which ? e.tokenHash === which.tokenHash : e.userId === which.userId && e.tokenHash !== which.except,
    );
    for (const e of matches) e.close();
    return matches.length;
  }

  closeAll(): void {
    this.closing = true;
    for (const e of [...this.entries]) e.close();
  }
}
