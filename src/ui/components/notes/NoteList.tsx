import { For, Show, createEffect, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { leadToFirstMatch } from '../../text/highlight';
import { displayTitle, formatChangedAt } from '../../text/noteText';
import { Highlighted } from './Highlighted';
import { keyTarget, listWindow, scrollToShow } from '../../logic/listWindow';
import type { ListedNote, NotesStore } from '../../state/store';

/** For the instant a row is leaving (its note no longer among the rows): never shown. */
const placeholder = (id: string): ListedNote => ({ id, title: '', snippet: '', changedAt: 0, pending: false });

// The list in view, when there is one: lets focusNoteInList reach a note whose row is not rendered.
let revealInList: ((id: string | null) => void) | null = null;

/**
 * Puts the focus on the list entry of note `id` (Escape from the editor, after a delete); on the
 * first entry when that note is not listed (filtered out), on New note when the list is empty.
 */
/**
 * Runs `move` after `work`, only if the focus is still where it was when `work` began (or fell to
 * the page because that element went away): a user who pressed Ctrl+K or clicked elsewhere while a
 * delete was being saved keeps the focus where they put it.
 */
export async function thenFocusUnlessMoved(work: () => Promise<void>, move: () => void): Promise<void> {
  const before = document.activeElement;
  await work();
  const now = document.activeElement;
  if (now === before || now === null || now === document.body || !now.isConnected) move();
}

export function focusNoteInList(id: string | null): void {
  revealInList?.(id);
  const list = document.querySelector<HTMLElement>('.note-list');
  const entry =
    (id && list?.querySelector<HTMLElement>(`.note-button[data-note-id="${CSS.escape(id)}"]`)) ||
    list?.querySelector<HTMLElement>('.note-button') ||
    document.querySelector<HTMLElement>('.new-note-button');
  entry?.focus();
}

// Rows are one line of title and one of meta, so all have one height: it is measured from a
// rendered row (it changes with the font size and the narrow layout); these are the guesses before.
const GUESSED_ROW_PX = 58;
const GUESSED_VIEWPORT_PX = 1200;
const OVERSCAN_ROWS = 8;

export function NoteList(props: { store: NotesStore }): JSX.Element {
  const store = props.store;
  let scroller: HTMLDivElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(GUESSED_VIEWPORT_PX);
  const [rowHeight, setRowHeight] = createSignal(GUESSED_ROW_PX);
  const win = createMemo(() =>
    listWindow({
      count: store.visibleNotes().length,
      rowHeight: rowHeight(),
      scrollTop: scrollTop(),
      viewportHeight: viewport(),
      overscan: OVERSCAN_ROWS,
    }),
  );
  const rows = createMemo(() => store.visibleNotes().slice(win().start, win().end));
  const rowIds = createMemo(() => rows().map((n) => n.id));

  // One entry is in the Tab order (the last focused, else the open note, else the first): Tab
  // passes the list in one step and the arrow keys move inside it. When that entry is scrolled out
  // of the rendered rows, the first rendered one takes its place.
  const [focusedId, setFocusedId] = createSignal<string | null>(null);
  const tabStop = createMemo(() => {
    const shown = rows();
    for (const id of [focusedId(), store.editor.openId()]) if (id && shown.some((n) => n.id === id)) return id;
    return shown[0]?.id ?? null;
  });

  /** Scrolls row `index` into view; the rows render at once (signals), so it can take focus next. */
  function show(index: number): void {
    if (!scroller) return;
    const top = scrollToShow(index, rowHeight(), scroller.scrollTop, scroller.clientHeight || viewport());
    if (top !== scroller.scrollTop) scroller.scrollTop = top;
    setScrollTop(top);
  }

  function focusRow(index: number): void {
    const note = store.visibleNotes()[index];
    if (!note) return;
    show(index);
    scroller?.querySelector<HTMLElement>(`.note-button[data-note-id="${CSS.escape(note.id)}"]`)?.focus();
  }

  function onKeyDown(e: KeyboardEvent): void {
    const notes = store.visibleNotes();
    const id = (document.activeElement as HTMLElement | null)?.dataset.noteId;
    const at = id ? notes.findIndex((n) => n.id === id) : -1;
    const target = keyTarget(e.key, at, notes.length);
    if (target === null) return;
    e.preventDefault();
    if (target === 'search') document.querySelector<HTMLElement>('.search input')?.focus();
    else focusRow(target);
  }

  function measure(): void {
    if (!scroller) return;
    setViewport(scroller.clientHeight || GUESSED_VIEWPORT_PX);
    const row = scroller.querySelector<HTMLElement>('.note-item');
    if (row && row.offsetHeight > 0) setRowHeight(row.offsetHeight);
  }

  onMount(() => {
    revealInList = (id) => {
      const notes = store.visibleNotes();
      const index = id ? notes.findIndex((n) => n.id === id) : -1;
      show(index >= 0 ? index : 0);
    };
    const resize = new ResizeObserver(() => measure());
    if (scroller) resize.observe(scroller);
    onCleanup(() => {
      resize.disconnect();
      revealInList = null;
    });
  });
  // The first rows rendered give the real row height.
  createEffect(() => {
    if (rows().length > 0) queueMicrotask(measure);
  });

  return (
    <div class="note-list-scroll" ref={(el) => (scroller = el)} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul
        class="note-list"
        role="list"
        aria-label="Notes"
        onKeyDown={onKeyDown}
        style={{ 'padding-top': `${win().before}px`, 'padding-bottom': `${win().after}px` }}
      >
        {/* Keyed by id: a note that changes keeps its row (and the focus), only its text updates. */}
        <For each={rowIds()}>
          {(id, i) => {
            const note = (): ListedNote => {
              const shown = rows();
              const at = shown[i()];
              return at?.id === id ? at : (shown.find((n) => n.id === id) ?? placeholder(id));
            };
            return (
            <li class="note-item" aria-setsize={store.visibleNotes().length} aria-posinset={win().start + i() + 1}>
              <button
                type="button"
                class="note-button"
                classList={{ untitled: !note().title.trim() }}
                data-note-id={note().id}
                tabIndex={tabStop() === note().id ? 0 : -1}
                aria-current={store.editor.openId() === note().id ? 'true' : undefined}
                onFocus={() => setFocusedId(note().id)}
                // From the keyboard (no pointer: detail 0), opening a note goes on into it.
                onClick={(e) => void store.select(note().id, e.detail === 0)}
              >
                <span class="note-title-row">
                  <span class="note-title">
                    <Show when={note().title.trim()} fallback={displayTitle(note().title)}>
                      <Highlighted text={note().title} ranges={note().titleRanges} />
                    </Show>
                  </span>
                  <Show when={note().pending && store.sync.tracksSync()}>
                    <span class="pending-mark" role="img" aria-label="Not synced yet" title="Not synced yet" />
                  </Show>
                </span>
                <span class="note-meta">
                  <time dateTime={new Date(note().changedAt).toISOString()}>{formatChangedAt(note().changedAt)}</time>
                  <span class="note-snippet">
                    {(() => {
                      const shown = leadToFirstMatch(note().snippet, note().snippetRanges);
                      return <Highlighted text={shown.text} ranges={shown.ranges} />;
                    })()}
                  </span>
                </span>
              </button>
            </li>
          );
          }}
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
