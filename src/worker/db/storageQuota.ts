// Whether the origin is out of room. The opfs-sahpool VFS turns a browser QuotaExceededError into a
// plain SQLite I/O error, so after such an error the storage estimate is the way to tell "full"
// from other failures.

const NEARLY_FULL = 0.95;

export async function storageNearlyFull(): Promise<boolean> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.estimate) return false;
  const { usage, quota } = await storage.estimate();
  return usage !== undefined && quota !== undefined && quota > 0 && usage / quota >= NEARLY_FULL;
}
