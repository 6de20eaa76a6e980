// How the browser keeps this app's data: whether it is persistent (never cleared to free space
// without asking) and how much it uses of what it may use (navigator.storage, StorageManager).
// The page asks, not the worker: browsers grant persistence to pages (engagement, installation).

/** The part of StorageManager the app uses; any part may be missing in a given browser. */
export interface StorageApi {
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

export interface StorageInfo {
  /** Null when the browser does not say. */
  readonly persisted: boolean | null;
  readonly usage: number | null;
  readonly quota: number | null;
}

const finite = (n: unknown): number | null => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null);

export async function readStorage(api: StorageApi | undefined): Promise<StorageInfo> {
  const [persisted, estimate] = await Promise.all([
    api?.persisted ? api.persisted().catch(() => null) : Promise.resolve(null),
    api?.estimate ? api.estimate().catch(() => null) : Promise.resolve(null),
  ]);
  return {
    persisted: typeof persisted === 'boolean' ? persisted : null,
    usage: finite(estimate?.usage),
    quota: finite(estimate?.quota),
  };
}

/**
 * Asks for persistent storage unless the browser already grants it. True when it is persistent
 * afterwards, false when the browser said no, null when it cannot be asked.
 */
export async function ensurePersisted(api: StorageApi | undefined): Promise<boolean | null> {
  if (!api?.persist) return null;
  try {
    if (api.persisted && (await api.persisted())) return true;
    return await api.persist();
  } catch {
    return null;
  }
}
