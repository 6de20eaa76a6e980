// Edits this device lost to another device (DESIGN.md section 3), each with the text that lost and a
// way to bring it back; and the changes the server refused for good, with its reason. Both show only
// when there is something in them. Note text is always rendered as text.
import { For, Show, type JSX } from 'solid-js';
import type { QuarantinedAction } from '../../../worker/api';
import { displayTitle } from '../../text/noteText';
import { conflictSummary, fieldName } from '../../text/syncText';
import type { SyncModel } from '../../state/syncModel';

export function ConflictsPanel(props: { sync: SyncModel }): JSX.Element {
  const sync = props.sync;
  return (
    <Show when={sync.conflicts().length > 0}>
      <section class="conflicts" role="region" aria-label="Conflicts">
        <h2 class="panel-title">
          Conflicts <span class="count">{sync.conflicts().length}</span>
        </h2>
        <p class="panel-intro">Edits from this device that lost to another device. Restore puts your text back.</p>
        <Show when={sync.conflictError()}>
          {(message) => (
            <p class="form-error" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <ul class="conflict-list">
          <For each={sync.conflicts()}>
            {(entry) => {
              const headingId = `conflict-${entry.id}`;
              return (
                <li class="conflict" data-kind={entry.kind}>
                  <p class="conflict-head" id={headingId}>
                    <span class="conflict-note">{displayTitle(entry.noteTitle)}</span>
                    <span class="conflict-field">{fieldName(entry.field)}</span>
                  </p>
                  <p class="conflict-kind">{conflictSummary(entry)}</p>
                  <blockquote class="conflict-text">
                    {entry.lostValue === '' ? <em>(empty)</em> : entry.lostValue}
                  </blockquote>
                  <div class="conflict-actions">
                    <button type="button" class="button small primary" aria-describedby={headingId} onClick={() => void sync.restore(entry.id)}>
                      Restore
                    </button>
                    <button type="button" class="button small ghost" aria-describedby={headingId} onClick={() => void sync.dismiss(entry.id)}>
                      Dismiss
                    </button>
                  </div>
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}

export function RefusedChanges(props: { items: readonly QuarantinedAction[]; titleOf: (entityId: string) => string | null }): JSX.Element {
  return (
    <Show when={props.items.length > 0}>
      <section class="refused" role="region" aria-label="Changes not accepted">
        <h2 class="panel-title">
          {props.items.length === 1 ? '1 change was refused by the server' : `${props.items.length} changes were refused by the server`}
        </h2>
        <p class="panel-intro">They stay on this device but will not sync. The rest of your changes sync as usual.</p>
        <ul class="refused-list">
          <For each={props.items}>
            {(item) => {
              const title = props.titleOf(item.entityId);
              return (
                <li>
                  <span class="refused-note">{title === null ? 'A deleted note' : displayTitle(title)}</span>: {item.reason || 'no reason given'}
                </li>
              );
            }}
          </For>
        </ul>
      </section>
    </Show>
  );
}
