// "Note deleted — Undo": shown for a few seconds after a delete. The time stops while the pointer
// or the focus is on it, so nobody has to race it (WCAG 2.2.1); Ctrl/⌘+Z does the same (App.tsx).
import { Show, createEffect, createSignal, on, onCleanup, type JSX } from 'solid-js';
import type { NotesStore } from '../../state/store';

export const UNDO_VISIBLE_MS = 8_000;

export function UndoToast(props: { store: NotesStore; shortcut: { label: string; aria: string } }): JSX.Element {
  const store = props.store;
  const [held, setHeld] = createSignal(false);

  // A new delete starts the time again; holding the toast stops it, letting go starts it over.
  createEffect(on(store.lastDeleted, () => setHeld(false), { defer: true }));
  createEffect(
    on([store.lastDeleted, held], ([deleted, isHeld]) => {
      if (!deleted || isHeld) return;
      const timer = setTimeout(() => store.dismissUndo(), UNDO_VISIBLE_MS);
      onCleanup(() => clearTimeout(timer));
    }),
  );

  return (
    <Show when={store.lastDeleted()}>
      <div
        class="toast undo-toast"
        role="status"
        onMouseEnter={() => setHeld(true)}
        onMouseLeave={() => setHeld(false)}
        onFocusIn={() => setHeld(true)}
        onFocusOut={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHeld(false);
        }}
      >
        <span>Note deleted</span>
        <button
          type="button"
          class="button small toast-action"
          aria-keyshortcuts={props.shortcut.aria}
          title={`Undo (${props.shortcut.label})`}
          onClick={() => {
            setHeld(false);
            void store.undoDelete();
          }}
        >
          Undo
        </button>
        <button type="button" class="button ghost small toast-close" aria-label="Dismiss" onClick={() => store.dismissUndo()}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
    </Show>
  );
}
