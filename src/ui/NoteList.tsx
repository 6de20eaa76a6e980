import { For, Show, type JSX } from 'solid-js';
import type { NotesStore } from './store';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** Today: the time; this year: the day; older: the date with its year. */
export function formatChangedAt(ms: number, now: Date = new Date()): string {
  const when = new Date(ms);
  if (when.toDateString() === now.toDateString()) return timeFormat.format(when);
  if (when.getFullYear() === now.getFullYear()) return dayFormat.format(when);
  return fullDateFormat.format(when);
}

export function displayTitle(title: string): string {
  return title.trim() || 'Untitled';
}

export function NoteList(props: { store: NotesStore }): JSX.Element {
  const store = props.store;
  return (
    <div class="note-list-scroll">
      <ul class="note-list" role="list" aria-label="Notes">
        <For each={store.visibleNotes()}>
          {(note) => (
            <li class="note-item">
              <button
                type="button"
                class="note-button"
                classList={{ untitled: !note.title.trim() }}
                aria-current={store.editor.openId() === note.id ? 'true' : undefined}
                onClick={() => void store.select(note.id)}
              >
                <span class="note-title-row">
                  <span class="note-title">{displayTitle(note.title)}</span>
                  <Show when={note.pending && store.sync.tracksSync()}>
                    <span class="pending-mark" role="img" aria-label="Not synced yet" title="Not synced yet" />
                  </Show>
                </span>
                <span class="note-meta">
                  <time dateTime={new Date(note.changedAt).toISOString()}>{formatChangedAt(note.changedAt)}</time>
                  <span class="note-snippet">{note.snippet}</span>
                </span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={store.listLoaded() && store.noteCount() === 0}>
        <div class="list-empty">
          <p class="list-empty-title">No notes yet</p>
          <p>Press New note to write your first one. Notes stay on this device and work offline.</p>
        </div>
      </Show>
      <Show when={store.noteCount() > 0 && store.visibleNotes().length === 0}>
        <div class="list-empty">
          <p>No notes match “{store.query().trim()}”.</p>
        </div>
      </Show>
    </div>
  );
}
