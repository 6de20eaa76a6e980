// The way to the app's other places, under the list: Trash, Settings, and Install app when the
// browser offers it.
import { Show, type JSX } from 'solid-js';
import type { InstallModel } from '../../browser/install';

export function AppNav(props: { trashOpen: boolean; onTrash: () => void; onSettings: () => void; install: InstallModel }): JSX.Element {
  return (
    <nav class="app-nav" aria-label="More">
      <button type="button" class="button ghost small nav-button" aria-current={props.trashOpen ? 'page' : undefined} onClick={() => props.onTrash()}>
        <svg class="nav-icon" viewBox="0 0 20 20" aria-hidden="true">
          <path d="M4 6h12M8 6V4.5h4V6M5.5 6l.8 10h7.4l.8-10" />
        </svg>
        Trash
      </button>
      <button type="button" class="button ghost small nav-button" onClick={() => props.onSettings()}>
        <svg class="nav-icon" viewBox="0 0 20 20" aria-hidden="true">
          <circle cx="10" cy="10" r="2.6" />
          <path d="M10 2.5v2.2M10 15.3v2.2M2.5 10h2.2M15.3 10h2.2M4.7 4.7l1.6 1.6M13.7 13.7l1.6 1.6M4.7 15.3l1.6-1.6M13.7 6.3l1.6-1.6" />
        </svg>
        Settings
      </button>
      <Show when={props.install.canInstall()}>
        <button type="button" class="button ghost small nav-button install-button" onClick={() => void props.install.install()}>
          <svg class="nav-icon" viewBox="0 0 20 20" aria-hidden="true">
            <path d="M10 3v9M6.5 8.5 10 12l3.5-3.5M4 15.5h12" />
          </svg>
          Install app
        </button>
      </Show>
    </nav>
  );
}
