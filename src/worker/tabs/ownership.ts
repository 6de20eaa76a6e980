// Who owns the database. opfs-sahpool cannot share its files between workers (a second owner fails
// with NoModificationAllowedError), so exactly one tab's worker opens SQLite: the one holding this
// Web Lock, the leader. Every other worker queues for the lock (a waiting request, not ifAvailable)
// and serves its page as a follower meanwhile; the browser hands the lock to the next in line the
// moment the holder's worker ends (tab closed, reloaded, crashed, or its page terminated it on
// pagehide/freeze), which is what makes the handoff automatic.

/** The lock's name. bench/ and older builds use it too: renaming it would let two owners race. */
export const OWNER_LOCK = 'notes-db-owner';

/** The part of the Web Locks API used here (injected: Node has none, tests bring their own). */
export interface LockRequester {
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
}

export interface Ownership {
  /** Gives the lock up, so the next worker in line becomes the owner. */
  release(): void;
}

/** The worker's own Web Locks, when the platform has them. */
export function platformLocks(): LockRequester | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator.locks as LockRequester | undefined);
}

/**
 * Resolves once this worker owns the database: at once if nobody else does, otherwise when every
 * earlier holder has let go. The lock is held until release() or until the worker ends. Without Web
 * Locks there is nobody to coordinate with: the caller owns at once (the VFS still refuses a second
 * owner, and the opener retries).
 */
export function waitForOwnership(locks: LockRequester | undefined, name: string = OWNER_LOCK): Promise<Ownership> {
  if (!locks) return Promise.resolve({ release() {} });
  return new Promise<Ownership>((resolve, reject) => {
    let release = (): void => {};
    const held = new Promise<void>((r) => (release = r));
    locks
      .request(name, () => {
        resolve({ release });
        // The lock lasts until this promise settles.
        return held;
      })
      .catch(reject);
  });
}
