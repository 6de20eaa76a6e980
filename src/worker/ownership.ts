// One tab owns the database at a time: opfs-sahpool cannot share its files (a second owner fails
// with NoModificationAllowedError). A Web Lock, held for the worker's whole life, says who owns it,
// so a second tab learns it is second before touching OPFS. (The multi-tab issue replaces this with
// leader election; the lock name stays.)

export const OWNER_LOCK = 'notes-db-owner';

export interface Ownership {
  /** Gives the database up (only when this worker will not use it after all). */
  release(): void;
}

/** Takes the owner lock if nobody holds it; null when another tab does. */
export function claimOwnership(name: string = OWNER_LOCK): Promise<Ownership | null> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  // Without Web Locks there is nothing to coordinate with; the VFS still refuses a second owner.
  if (!locks) return Promise.resolve({ release() {} });
  return new Promise<Ownership | null>((resolve, reject) => {
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    locks
      .request(name, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        resolve({ release });
        // The lock lasts until this promise settles: until release(), or the worker ends.
        return held;
      })
      .catch(reject);
  });
}
