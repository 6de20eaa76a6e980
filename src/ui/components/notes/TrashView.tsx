// The Trash: deleted notes, newest first, each with Restore and Delete forever, and Empty trash.
// Removing for good asks first (ConfirmDialog). Note text is always rendered as text.
import { For, Show, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { ConfirmDialog, type ConfirmRequest } from '../shell/ConfirmDialog';
import { displayTitle, formatChangedAt } from '../../text/noteText';
import type { NotesStore } from '../../state/store';
import { countOf } from '../../text/units';

export function TrashView(props: { store: NotesStore; onBack: () => void }): JSX.Element {
  const trash = props.store.trash;
  const [confirm, setConfirm] = createSignal<ConfirmRequest | null>(null);
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let heading: HTMLHeadingElement | undefined;

  onMount(() => {
    onCleanup(trash.watch());
    // Opening the Trash moves the reader there (the button that opened it may be in another pane).
    heading?.focus();
  });

  /** After an entry leaves the list, the focus goes to the one now in its place (or the heading). */
  const focusAfter = (index: number): void => {
    const rows = document.querySelectorAll<HTMLElement>('.trash-list .trash-restore');
    (rows[Math.min(index, rows.length - 1)] ?? heading)?.focus();
  };

  const restore = async (id: string, index: number): Promise<void> => {
    await trash.restore(id);
    focusAfter(index);
  };

  const askPurge = (id: string, title: string, index: number): void =>
    void setConfirm({
      title: `Delete “${displayTitle(title)}” forever?`,
      text: 'It will be removed from this device and, once synced, from your other devices. This cannot be undone.',
      confirmLabel: 'Delete forever',
      onConfirm: () => void trash.purge(id).then(() => focusAfter(index)),
    });

  const askEmpty = (): void =>
    void setConfirm({
      title: 'Empty the Trash?',
      text: `${countOf(trash.items().length, 'note', 'notes')} will be deleted forever, here and, once synced, on your other devices. This cannot be undone.`,
      confirmLabel: 'Empty trash',
      onConfirm: () => void trash.empty().then(() => heading?.focus()),
    });

  return (
    <section
      class="trash-view"
      aria-labelledby="trash-title"
      onKeyDown={(e) => {
        // Escape in the confirmation closes only the confirmation.
        if (e.key === 'Escape' && !e.defaultPrevented && !(e.target as Element).closest('dialog')) {
          e.preventDefault();
          props.onBack();
        }
      }}
    >
      <div class="trash-toolbar">
        <button type="button" class="button ghost back-to-notes" aria-label="Back to notes" onClick={() => props.onBack()}>
          <span aria-hidden="true">‹</span> Notes
        </button>
        <h2 id="trash-title" class="trash-title" tabIndex={-1} ref={heading}>
          Trash
        </h2>
        <button type="button" class="button danger" disabled={trash.items().length === 0 || trash.busy()} onClick={askEmpty}>
          Empty trash
        </button>
      </div>
      <p class="trash-intro">Deleted notes stay here until you delete them forever. Restore puts a note back in your list.</p>
      <p class="trash-message" role="status">
        {trash.message() ?? ''}
      </p>
      <Show when={trash.error()}>
        {(message) => (
          <p class="form-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <ul class="trash-list" role="list" aria-label="Trash" aria-busy={!trash.loaded()}>
        <For each={trash.items()}>
          {(note, index) => {
            const titleId = `trash-${note.id}`;
            return (
              <li class="trash-item">
                <div class="trash-text">
                  <p class="trash-note-title" classList={{ untitled: !note.title.trim() }} id={titleId}>
                    {displayTitle(note.title)}
                  </p>
                  <p class="trash-meta">
                    <span>
                      Deleted <time dateTime={new Date(note.deletedAt).toISOString()}>{formatChangedAt(note.deletedAt)}</time>
                    </span>
                    <Show when={note.snippet}>
                      <span class="trash-snippet">{note.snippet}</span>
                    </Show>
                  </p>
                </div>
                <div class="trash-actions">
                  <button
                    type="button"
                    class="button small secondary trash-restore"
                    aria-describedby={titleId}
                    disabled={trash.busy()}
                    onClick={() => void restore(note.id, index())}
                  >
                    Restore
                  </button>
                  <button
                    type="button"
                    class="button small danger"
                    aria-describedby={titleId}
                    disabled={trash.busy()}
                    onClick={() => askPurge(note.id, note.title, index())}
                  >
                    Delete forever
                  </button>
                </div>
              </li>
            );
          }}
        </For>
      </ul>
      <Show when={trash.loaded() && trash.items().length === 0}>
        <div class="trash-empty">
          <p class="list-empty-title">The Trash is empty</p>
          <p>Notes you delete wait here, so you can bring them back.</p>
        </div>
      </Show>
      <ConfirmDialog request={confirm()} onClose={() => setConfirm(null)} />
    </section>
  );
}
