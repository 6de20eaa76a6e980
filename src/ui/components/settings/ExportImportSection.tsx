// Settings › Your notes: export every note (JSON to import again, Markdown to read anywhere) and
// import a JSON export. Outcomes are said in words; an import is all or nothing.
import { Show, type JSX } from 'solid-js';
import type { FilesModel } from '../../state/filesModel';

export function ExportImportSection(props: { files: FilesModel }): JSX.Element {
  const files = props.files;
  const busy = (): boolean => files.busy() !== null;
  return (
    <section class="settings-section" aria-labelledby="settings-files-title">
      <h3 id="settings-files-title" class="settings-heading">
        Export and import
      </h3>
      <p class="settings-text">
        Download every note as a file: JSON to import again, here or in another browser, or Markdown files (in a .zip) to
        read in any other app. Notes in the Trash are not included.
      </p>
      <div class="form-actions" aria-busy={files.busy()?.startsWith('export') === true}>
        <button type="button" class="button secondary" disabled={busy()} onClick={() => void files.exportNotes('json')}>
          Export JSON
        </button>
        <button type="button" class="button secondary" disabled={busy()} onClick={() => void files.exportNotes('markdown')}>
          Export Markdown
        </button>
      </div>
      <div class="import-row" aria-busy={files.busy() === 'import'}>
        <label class="button secondary file-button" classList={{ disabled: busy() }}>
          <input
            type="file"
            class="visually-hidden"
            accept=".json,application/json"
            disabled={busy()}
            onChange={(e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              // Cleared at once, so choosing the same file again is a new choice.
              input.value = '';
              if (file) void files.importFile(file);
            }}
          />
          Import notes
        </label>
        <span class="settings-hint">A JSON export. Notes already here are not duplicated.</span>
      </div>
      <Show when={files.busy()}>
        {(task) => (
          <p class="settings-progress" role="status">
            {task() === 'import' ? 'Importing…' : 'Exporting…'}
          </p>
        )}
      </Show>
      <Show when={files.outcome()}>
        {(outcome) => (
          <p class={outcome().ok ? 'settings-result' : 'form-error'} role={outcome().ok ? 'status' : 'alert'}>
            {outcome().text}
          </p>
        )}
      </Show>
    </section>
  );
}
