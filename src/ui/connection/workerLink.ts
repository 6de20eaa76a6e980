// The page's end of its notes worker, kept across the page's lifecycle. A page that is frozen or
// put in the back/forward cache must not hold the notes hostage: its worker may be the leader
// (holding the owner lock and the database) and a frozen worker answers nobody. So the page ends its
// worker on pagehide (when the page is kept for back/forward) and on freeze, which frees the lock
// for the next tab, and starts a fresh worker when it comes back (pageshow from the cache, resume).
//
// Calls made across that gap are not lost: every call in flight when the worker ends is run again
// on the new one (a write keeps the action id made before its first attempt, so it is applied once),
// and every subscription is made again. After a restart the page is told to re-read what it shows,
// since changes made meanwhile were announced to nobody here.
import * as Comlink from 'comlink';
import type { NotesApi } from '../../worker/api';

export type Remote = Comlink.Remote<NotesApi>;

export interface Connection {
  readonly remote: Remote;
  /** Rejects if the worker fails (its script did not load); never resolves. */
  readonly crashed: Promise<never>;
  end(): void;
}

export interface WorkerLink {
  /** Runs `run` on the worker; again on a new worker if this one ends before answering. */
  call<T>(run: (remote: Remote) => Promise<T>): Promise<T>;
  /** Runs `attach` now and again on every new worker (subscriptions); resolves to the detach. */
  keep(attach: (remote: Remote) => Promise<() => void>): Promise<() => void>;
  /** Called after the worker was replaced and everything kept was attached again. */
  onRestart(listener: () => void): void;
}

interface Kept {
  readonly attach: (remote: Remote) => Promise<() => void>;
  detach: (() => void) | null;
}

/** Where the page's lifecycle events come from (window and document in the app). */
export interface Lifecycle {
  readonly window: Pick<Window, 'addEventListener'>;
  readonly document: Pick<Document, 'addEventListener'>;
}

export function linkWorker(start: () => Connection, lifecycle: Lifecycle | null): WorkerLink {
  let conn: Connection | null = start();
  const attempts = new Set<() => void>();
  const kept = new Set<Kept>();
  const restartListeners = new Set<() => void>();

  function call<T>(run: (remote: Remote) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        attempts.delete(attempt);
        settle();
      };
      function attempt(): void {
        const c = conn;
        if (!c) return; // suspended: run again on resume
        Promise.race([run(c.remote), c.crashed]).then(
          (value) => finish(() => resolve(value)),
          (error: unknown) => {
            // A worker we ended cannot fail a call: its next attempt runs on the new worker.
            if (c === conn) finish(() => reject(error));
          },
        );
      }
      attempts.add(attempt);
      attempt();
    });
  }

  async function keep(attach: (remote: Remote) => Promise<() => void>): Promise<() => void> {
    const entry: Kept = { attach, detach: null };
    kept.add(entry);
    try {
      entry.detach = await call(attach);
    } catch (error) {
      kept.delete(entry);
      throw error;
    }
    return () => {
      kept.delete(entry);
      entry.detach?.();
    };
  }

  function suspend(): void {
    if (!conn) return;
    conn.end();
    conn = null;
  }

  function resume(): void {
    if (conn) return;
    conn = start();
    for (const attempt of [...attempts]) attempt();
    // Subscriptions whose first attach is still in flight are re-run above; the others here.
    const reattached = [...kept]
      .filter((k) => k.detach !== null)
      .map(async (k) => {
        k.detach = await call(k.attach);
      });
    void Promise.allSettled(reattached).then(() => {
      for (const listener of restartListeners) listener();
    });
  }

  if (lifecycle) {
    lifecycle.window.addEventListener('pagehide', (event) => {
      if ((event as PageTransitionEvent).persisted) suspend();
    });
    lifecycle.window.addEventListener('pageshow', (event) => {
      if ((event as PageTransitionEvent).persisted) resume();
    });
    lifecycle.document.addEventListener('freeze', suspend);
    lifecycle.document.addEventListener('resume', resume);
  }

  return {
    call,
    keep,
    onRestart: (listener) => void restartListeners.add(listener),
  };
}
