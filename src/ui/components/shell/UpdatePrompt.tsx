import { Show, createEffect, onCleanup, type JSX } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';

const offlineToastMs = 5_000;

/**
 * Registers the service worker. A new version waits until the user presses Reload (registerType
 * 'prompt'), and the open note is saved before the page reloads into it.
 */
export function UpdatePrompt(props: { beforeReload: () => Promise<boolean>; children?: JSX.Element }): JSX.Element {
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    // The library reloads only when this page was controlled from its start; a first visit that meets
    // an update would stay on the old version. reload() below reloads on the controller change itself.
    onNeedReload() {},
    onRegisterError(error: unknown) {
      console.warn('notes: service worker registration failed; the app works but not offline', error);
    },
  });

  createEffect(() => {
    if (!offlineReady()) return;
    const timer = setTimeout(() => setOfflineReady(false), offlineToastMs);
    onCleanup(() => clearTimeout(timer));
  });

  const reload = async (): Promise<void> => {
    // Unsaved text (say, storage is full) keeps the page: the editor shows why, the banner stays.
    if (!(await props.beforeReload().catch(() => false))) return;
    navigator.serviceWorker?.addEventListener('controllerchange', () => location.reload(), { once: true });
    await updateServiceWorker(true);
  };

  return (
    <div class="toasts">
      {/* The app's own toasts (Undo) share the stack, so two never overlap. */}
      {props.children}
      <Show when={needRefresh()}>
        <div class="toast" role="alert">
          <span>Update available</span>
          <button type="button" class="button primary small" onClick={() => void reload()}>
            Reload
          </button>
          <button type="button" class="button ghost small" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="toast" role="status">
          <span>Ready to work offline</span>
        </div>
      </Show>
    </div>
  );
}
