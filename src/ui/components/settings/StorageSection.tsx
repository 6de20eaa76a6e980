// Settings › Storage: how much space the notes use of what the browser allows, and whether the
// browser may clear it (storage that is not persistent can be evicted when the device is short of
// space). Not persistent is said plainly, with a way to ask again.
import { Match, Show, Switch, onMount, type JSX } from 'solid-js';
import type { StorageKind } from '../../../worker/api';
import type { StorageModel } from '../../state/storageModel';
import { formatBytes } from '../../text/units';

export function StorageSection(props: { storage: StorageModel; kind: StorageKind }): JSX.Element {
  const storage = props.storage;
  onMount(() => void storage.refresh());
  const info = (): ReturnType<StorageModel['info']> => storage.info();
  const usage = (): { usage: number; quota: number } | null => {
    const i = info();
    return i && i.usage !== null && i.quota !== null && i.quota > 0 ? { usage: i.usage, quota: i.quota } : null;
  };

  return (
    <section class="settings-section" aria-labelledby="settings-storage-title">
      <h3 id="settings-storage-title" class="settings-heading">
        Storage
      </h3>
      <Show
        when={props.kind === 'opfs'}
        fallback={
          <p class="storage-state warning" role="alert">
            <strong>Notes are not being kept.</strong> This browser did not let the app store notes on this device, so they are
            lost when this tab closes. Export them to keep a copy.
          </p>
        }
      >
        <Show when={usage()} fallback={<p class="settings-text">{info() ? 'This browser does not say how much space the notes use.' : 'Checking…'}</p>}>
          {(u) => (
            <div class="storage-usage">
              <p class="settings-text">
                Using <strong>{formatBytes(u().usage)}</strong> of {formatBytes(u().quota)} this browser allows the app.
              </p>
              {/* Only once it shows something: at a tiny fraction it is an empty line. */}
              <Show when={u().usage / u().quota >= 0.01}>
                <meter class="storage-meter" min={0} max={u().quota} value={u().usage} aria-label="Storage used" />
              </Show>
            </div>
          )}
        </Show>
        <Switch>
          <Match when={info()?.persisted === true}>
            <p class="storage-state ok">
              <strong>Persistent.</strong> The browser keeps your notes even when the device runs low on space; only you can
              clear them.
            </p>
          </Match>
          <Match when={info()?.persisted === false}>
            <div class="storage-state warning">
              <p>
                <strong>Not persistent.</strong> The browser may delete this app's data, your notes included, to free up space
                when the device runs low. Notes synced to an account can be downloaded again; the others would be lost.
              </p>
              <Show when={storage.refused()}>
                <p>
                  The browser said no. Browsers decide this themselves and often agree for apps that are installed or used
                  often. Exporting your notes now and then keeps a copy safe.
                </p>
              </Show>
              <button type="button" class="button small primary" disabled={storage.asking()} onClick={() => void storage.request()}>
                {storage.asking() ? 'Asking…' : 'Ask to keep my notes'}
              </button>
            </div>
          </Match>
        </Switch>
      </Show>
    </section>
  );
}
