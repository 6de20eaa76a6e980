import { Show, type JSX } from 'solid-js';
import type { StorageKind, SyncState } from '../../../worker/api';
import { pendingLine, statusParts } from '../../text/syncText';
import type { SyncModel } from '../../state/syncModel';

const dotState: Record<SyncState, string> = {
  'local-only': 'local',
  offline: 'offline',
  syncing: 'syncing',
  synced: 'synced',
  error: 'error',
};

/** Whether the notes sync and how it went, who is signed in, and the way to the account panel. */
export function StatusBar(props: { sync: SyncModel; storage: StorageKind; onAccount: () => void }): JSX.Element {
  const status = (): ReturnType<SyncModel['status']> => props.sync.status();
  const storageText = (): string => (props.storage === 'opfs' ? 'Stored on this device' : 'Not kept after this tab closes');
  return (
    <footer class="status-bar">
      <div class="status-row">
        <div
          role="status"
          aria-label="Sync status"
          class="sync-status"
          data-state={status() ? dotState[status()!.state] : 'unknown'}
        >
          <span class="status-dot" aria-hidden="true" />
          <Show when={status()}>
            {(s) => {
              const parts = (): ReturnType<typeof statusParts> => statusParts(s());
              return (
                <span class="status-text">
                  <span class="status-word">{parts().word}</span>
                  <Show when={parts().detail}>{(detail) => <span class="status-detail"> {detail()}</span>}</Show>
                </span>
              );
            }}
          </Show>
        </div>
        <button type="button" class="button ghost small account-button" onClick={() => props.onAccount()}>
          <svg class="account-icon" viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="10" cy="7" r="3.2" />
            <path d="M3.8 16.5c.9-3 3.3-4.6 6.2-4.6s5.3 1.6 6.2 4.6" />
          </svg>
          Account
        </button>
      </div>
      <div class="status-details">
        <Show when={status()?.account} fallback={<span class="storage-kind">{storageText()}</span>}>
          {(account) => <span class="signed-in-as">Signed in as {account().username}</span>}
        </Show>
        {/* A device that has never had an account does not sync: a count of unsynced changes would only alarm. */}
        <Show when={status()?.boundUsername ? pendingLine(status()?.pendingCount ?? 0) : null}>
          {(line) => <span class="pending-count">{line()}</span>}
        </Show>
      </div>
    </footer>
  );
}
