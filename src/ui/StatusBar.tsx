import type { JSX } from 'solid-js';
import type { StorageKind } from '../worker/api';

/** Where the notes are and whether they sync. Until accounts exist, they stay on this device. */
export function StatusBar(props: { storage: StorageKind }): JSX.Element {
  return (
    <footer class="status-bar">
      <div role="status" aria-label="Sync status" class="sync-status" data-state="local">
        <span class="status-dot" aria-hidden="true" />
        Local only
      </div>
      <span class="storage-kind">{props.storage === 'opfs' ? 'Stored on this device' : 'Not kept after this tab closes'}</span>
    </footer>
  );
}
