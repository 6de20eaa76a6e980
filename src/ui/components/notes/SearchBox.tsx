// The "Search notes" box: filters the list as you type (store.ts, searchState.ts). Escape clears
// it, the Down arrow goes on into the results, Enter opens the first one.
import { Show, type JSX } from 'solid-js';
import { focusNoteInList } from './NoteList';
import type { NotesStore } from '../../state/store';

export function SearchBox(props: { store: NotesStore; shortcut: { label: string; aria: string }; inputRef: (el: HTMLInputElement) => void }): JSX.Element {
  const store = props.store;
  return (
    <div class="search" role="search">
      <input
        ref={props.inputRef}
        type="search"
        aria-label="Search notes"
        aria-keyshortcuts={props.shortcut.aria}
        title={`Search notes (${props.shortcut.label})`}
        placeholder="Search"
        value={store.query()}
        onInput={(e) => store.setQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (e.key === 'Escape' && store.query() !== '') {
            e.preventDefault();
            store.setQuery('');
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            focusNoteInList(null);
          } else if (e.key === 'Enter') {
            const first = store.visibleNotes()[0];
            if (first && store.query().trim()) {
              e.preventDefault();
              void store.select(first.id, true);
            }
          }
        }}
        autocomplete="off"
        spellcheck={false}
      />
      <Show when={store.query() === ''}>
        <kbd class="search-hint" aria-hidden="true">
          /
        </kbd>
      </Show>
    </div>
  );
}
