// Settings: export and import, storage, and the keyboard shortcuts. A native modal <dialog> like
// the account panel: focus stays inside, Escape closes it.
import { For, Show, createEffect, type JSX } from 'solid-js';
import type { StorageKind } from '../../../worker/api';
import { ExportImportSection } from './ExportImportSection';
import type { FilesModel } from '../../state/filesModel';
import type { shortcutKeys } from '../../logic/shortcuts';
import { StorageSection } from './StorageSection';
import type { StorageModel } from '../../state/storageModel';

export function SettingsDialog(props: {
  open: boolean;
  onClose: () => void;
  files: FilesModel;
  storage: StorageModel;
  storageKind: StorageKind;
  keys: ReturnType<typeof shortcutKeys>;
}): JSX.Element {
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let dialog: HTMLDialogElement | undefined;

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      props.files.clear();
      dialog.showModal();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });

  const shortcuts = (): { keys: string; what: string }[] => [
    { keys: props.keys.newNote.label, what: 'New note' },
    { keys: props.keys.search.label, what: 'Search notes' },
    { keys: 'Esc', what: 'Leave the note for the list; clear the search' },
    { keys: '↑ ↓', what: 'Move through the list (Enter opens)' },
    { keys: props.keys.undo.label, what: 'Undo a delete (while “Note deleted” shows)' },
  ];

  return (
    <dialog
      ref={dialog}
      class="app-dialog settings-dialog"
      aria-labelledby="settings-title"
      onClose={() => props.onClose()}
      onClick={(e) => {
        if (e.target === dialog) props.onClose();
      }}
    >
      <div class="dialog-card">
        <div class="dialog-header">
          <h2 id="settings-title" class="dialog-title">
            Settings
          </h2>
          <button type="button" class="button ghost small close-button" aria-label="Close" onClick={() => props.onClose()}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <Show when={props.open}>
          <ExportImportSection files={props.files} />
          <StorageSection storage={props.storage} kind={props.storageKind} />
          <section class="settings-section" aria-labelledby="settings-keys-title">
            <h3 id="settings-keys-title" class="settings-heading">
              Keyboard shortcuts
            </h3>
            <dl class="shortcut-list">
              <For each={shortcuts()}>
                {(s) => (
                  <div>
                    <dt>
                      <kbd>{s.keys}</kbd>
                    </dt>
                    <dd>{s.what}</dd>
                  </div>
                )}
              </For>
            </dl>
          </section>
        </Show>
      </div>
    </dialog>
  );
}
