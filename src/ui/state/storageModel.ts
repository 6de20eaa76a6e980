// Persistent storage and usage as signals (storage.ts does the asking). The app asks once per
// page, as soon as there is a note worth keeping; Settings shows the answer and can ask again.
import { batch, createSignal, type Accessor } from 'solid-js';
import { ensurePersisted, readStorage, type StorageApi, type StorageInfo } from '../browser/storage';

export interface StorageModel {
  /** Null until first read. */
  readonly info: Accessor<StorageInfo | null>;
  /** The browser answered no to the last request made on this page. */
  readonly refused: Accessor<boolean>;
  readonly asking: Accessor<boolean>;
  refresh(): Promise<void>;
  /** Asks for persistent storage (unless already granted), then reads the state again. */
  request(): Promise<void>;
  /** The first call on this page asks; later ones do nothing. */
  requestOnce(): void;
}

export function createStorageModel(api: StorageApi | undefined): StorageModel {
  const [info, setInfo] = createSignal<StorageInfo | null>(null);
  const [refused, setRefused] = createSignal(false);
  const [asking, setAsking] = createSignal(false);
  let askedOnce = false;

  const refresh = async (): Promise<void> => {
    setInfo(await readStorage(api));
  };

  const request = async (): Promise<void> => {
    setAsking(true);
    try {
      const granted = await ensurePersisted(api);
      const next = await readStorage(api);
      batch(() => {
        setRefused(granted === false);
        setInfo(next);
      });
    } finally {
      setAsking(false);
    }
  };

  return {
    info,
    refused,
    asking,
    refresh,
    request,
    requestOnce() {
      if (askedOnce) return;
      askedOnce = true;
      void request();
    },
  };
}
