import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { leadToFirstMatch } from './highlight';
import { Highlighted } from './Highlighted';
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

/**
 * Puts the focus on the list entry of note `id` (Escape from the editor, after a delete); on the
 * first entry when that note is not listed (filtered out), on New note when the list is empty.
 */
export function focusNoteInList(id: string | null): void {
  const list = document.querySelector<HTMLElement>('.note-list');
  const entry =
    (id && list?.querySelector<HTMLElement>(`.note-button[data-note-id="${CSS.escape(id)}"]`)) ||
    list?.querySelector<HTMLElement>('.note-button') ||
    document.querySelector<HTMLElement>('.new-note-button');
  entry?.focus();
}

/** Arrow keys, Home and End move the focus through the list; Enter (the button's own) opens. */
function moveFocus(e: KeyboardEvent & { currentTarget: HTMLElement }): void {
  const buttons = [...e.currentTarget.querySelectorAll<HTMLElement>('.note-button')];
  const at = buttons.indexOf(document.activeElement as HTMLElement);
  let next: number;
  if (e.key === 'ArrowDown') next = Math.min(at + 1, buttons.length - 1);
  else if (e.key === 'ArrowUp') {
    if (at <= 0) {
      // Above the first note is the search box.
      e.preventDefault();
      document.querySelector<HTMLElement>('.search input')?.focus();
      return;
    }
    next = at - 1;
  } else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = buttons.length - 1;
  else return;
  e.preventDefault();
  buttons[next]?.focus();
}

export function NoteList(props: { store: NotesStore }): JSX.Element {
  const store = props.store;
  // One entry is in the Tab order (the last focused, else the open note, else the first): Tab
  // passes the list in one step and the arrow keys move inside it.
  const [focusedId, setFocusedId] = createSignal<string | null>(null);
  const tabStop = createMemo(() => {
    const notes = store.visibleNotes();
    for (const id of [focusedId(), store.editor.openId()]) if (id && notes.some((n) => n.id === id)) return id;
    return notes[0]?.id ?? null;
  });
  return (
    <div class="note-list-scroll">
      <ul class="note-list" role="list" aria-label="Notes" onKeyDown={moveFocus}>
        <For each={store.visibleNotes()}>
          {(note) => (
            <li class="note-item">
              <button
                type="button"
                class="note-button"
                classList={{ untitled: !note.title.trim() }}
                data-note-id={note.id}
                tabIndex={tabStop() === note.id ? 0 : -1}
                aria-current={store.editor.openId() === note.id ? 'true' : undefined}
                onFocus={() => setFocusedId(note.id)}
                // From the keyboard (no pointer: detail 0), opening a note goes on into it.
                onClick={(e) => void store.select(note.id, e.detail === 0)}
              >
                <span class="note-title-row">
                  <span class="note-title">
                    <Show when={note.title.trim()} fallback={displayTitle(note.title)}>
                      <Highlighted text={note.title} ranges={note.titleRanges} />
                    </Show>
                  </span>
                  <Show when={note.pending && store.sync.tracksSync()}>
                    <span class="pending-mark" role="img" aria-label="Not synced yet" title="Not synced yet" />
                  </Show>
                </span>
                <span class="note-meta">
                  <time dateTime={new Date(note.changedAt).toISOString()}>{formatChangedAt(note.changedAt)}</time>
                  <span class="note-snippet">
                    {(() => {
                      const shown = leadToFirstMatch(note.snippet, note.snippetRanges);
                      return <Highlighted text={shown.text} ranges={shown.ranges} />;
                    })()}
                  </span>
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
      <Show when={store.noteCount() > 0 && store.noMatches()}>
        <div class="list-empty" role="status">
          <p class="list-empty-title">No notes match “{store.query().trim()}”</p>
          <p>Search looks for words in titles and text that start with what you type. Press Escape to clear it.</p>
        </div>
      </Show>
    </div>
  );
}
