import { Show, createEffect, on, type JSX } from 'solid-js';
import { mapPosition } from '../../../sync/text/splices';
import { lineAtOffset, offsetOfIndex } from '../../browser/textareaGeometry';
import type { SaveState } from '../../logic/draft';
import { HeldText } from '../../logic/heldText';
import { describeSaveError } from '../../text/messages';
import { focusNoteInList, thenFocusUnlessMoved } from './NoteList';
import type { NotesStore } from '../../state/store';

const saveLabels: Record<SaveState['kind'], string> = {
  saved: 'Saved',
  unsaved: 'Edited',
  saving: 'Saving…',
  failed: 'Not saved',
};

export function Editor(props: { store: NotesStore }): JSX.Element {
  const editor = props.store.editor;
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let titleInput: HTMLInputElement | undefined;
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let bodyInput: HTMLTextAreaElement | undefined;

  // The body is set by hand rather than bound: when a remote edit lands while the person types, the
  // caret and selection move with the text around them, instead of jumping to the end as assigning
  // `value` does; and what they are looking at stays where it is on screen (the caret's line when it
  // is in view, else the line at the top), rather than moving down or up by the lines added or
  // removed above it.
  const showBody = (el: HTMLTextAreaElement, next: string): void => {
    const before = el.value;
    if (before === next) return;
    const focused = document.activeElement === el;
    const { selectionStart, selectionEnd, selectionDirection, scrollTop } = el;
    const anchor = viewAnchor(el, before, focused);
    el.value = next;
    if (focused) {
      el.setSelectionRange(mapPosition(before, next, selectionStart), mapPosition(before, next, selectionEnd), selectionDirection ?? 'none');
    }
    el.scrollTop = anchor ? scrollTop + offsetOfIndex(el, next, mapPosition(before, next, anchor.index)) - anchor.top : scrollTop;
  };
  // While an input method composes in the body, a newer text waits (heldText.ts): setting the value
  // would break the composition. `composingIn` is the note it started in; `shownNote` the note whose
  // text the body holds.
  const held = new HeldText();
  let composingIn: string | null = null;
  let shownNote: string | null = null;
  createEffect(() => {
    const next = editor.body();
    const id = editor.openId();
    const el = bodyInput;
    if (!el) return;
    if (id !== shownNote) {
      // Another note: shown from its beginning, not at the scroll offset the last one was left at.
      shownNote = id;
      held.release();
      el.value = next;
      el.scrollTop = 0;
      return;
    }
    if (composingIn === id && (held.holding || el.value !== next)) {
      held.hold(el.value, next);
      return;
    }
    held.release();
    showBody(el, next);
  });
  const compositionEnded = (el: HTMLTextAreaElement): void => {
    composingIn = null;
    if (!held.holding) return;
    const text = held.typed(el.value);
    held.release();
    if (text === editor.body()) showBody(el, text);
    else editor.edit('body', text);
  };

  createEffect(on(props.store.titleFocus, () => titleInput?.focus(), { defer: true }));

  const failure = (): string | null => {
    const state = editor.saveState();
    return state.kind === 'failed' ? describeSaveError(state.error) : null;
  };

  // Leaving a field writes it now rather than after the debounce.
  const flush = (): void => void editor.flush();

  // Escape leaves the note (saving it) for its entry in the list, where the arrow keys go on.
  const leave = async (): Promise<void> => {
    const id = editor.openId();
    await thenFocusUnlessMoved(
      () => props.store.backToList(),
      () => props.store.view() === 'list' && focusNoteInList(id),
    );
  };

  // A delete shows the list (on a phone the editor goes away): the focus goes to the entry of the
  // note now open, or to New note when none is left, rather than falling to the page; not when the
  // user moved it meanwhile (the delete is shown at once, and saved after).
  const deleteNote = (): Promise<void> =>
    thenFocusUnlessMoved(
      () => props.store.deleteOpenNote(),
      () => props.store.view() === 'list' && focusNoteInList(editor.openId()),
    );

  return (
    <section
      class="editor"
      aria-label="Editor"
      aria-busy={props.store.switching()}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.isComposing && !e.defaultPrevented) {
          e.preventDefault();
          void leave();
        }
      }}
    >
      <div class="editor-toolbar">
        <button type="button" class="button ghost back-button" aria-label="Back to notes" onClick={() => void props.store.backToList()}>
          <span aria-hidden="true">‹</span> Notes
        </button>
        <span class="save-state" data-state={editor.saveState().kind}>
          {saveLabels[editor.saveState().kind]}
        </span>
        <button type="button" class="button danger" onClick={() => void deleteNote()}>
          Delete note
        </button>
      </div>
      <Show when={failure()}>
        {(message) => (
          <p class="editor-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <input
        ref={titleInput}
        class="title-input"
        type="text"
        aria-label="Title"
        placeholder="Title"
        maxLength={1000}
        readOnly={props.store.switching()}
        value={editor.title()}
        onInput={(e) => editor.edit('title', e.currentTarget.value)}
        onBlur={flush}
        onKeyDown={(e) => {
          // Enter in the title moves on to the body, as in most note apps.
          if (e.key === 'Enter' && !e.isComposing) {
            e.preventDefault();
            e.currentTarget.parentElement?.querySelector<HTMLTextAreaElement>('.body-input')?.focus();
          }
        }}
      />
      <textarea
        class="body-input"
        aria-label="Body"
        placeholder="Start writing…"
        maxLength={500_000}
        ref={bodyInput}
        readOnly={props.store.switching()}
        onInput={(e) => editor.edit('body', held.typed(e.currentTarget.value))}
        onCompositionStart={() => (composingIn = editor.openId())}
        onCompositionEnd={(e) => compositionEnded(e.currentTarget)}
        onBlur={flush}
      />
    </section>
  );
}

/**
 * Past this length the body keeps its scroll offset as it is: measuring lays the text out again (two
 * or three times the cost of setting the value, some 250 ms for 650,000 characters on a busy machine).
 */
const ANCHORED_TEXT_MAX = 100_000;

/** What the person looks at in the body: the caret when it is in view, else the line at the top of the view. */
function viewAnchor(el: HTMLTextAreaElement, text: string, focused: boolean): { readonly index: number; readonly top: number } | null {
  const { scrollTop, clientHeight } = el;
  if (clientHeight === 0 || text.length > ANCHORED_TEXT_MAX) return null; // not shown (a phone showing the list), or too long
  if (focused) {
    const index = el.selectionDirection === 'backward' ? el.selectionStart : el.selectionEnd;
    const top = offsetOfIndex(el, text, index);
    if (top >= scrollTop && top < scrollTop + clientHeight) return { index, top };
  }
  return scrollTop > 0 ? lineAtOffset(el, text, scrollTop) : null;
}

export function NoNoteOpen(props: { hasNotes: boolean }): JSX.Element {
  return (
    <div class="no-note">
      <p class="no-note-title">{props.hasNotes ? 'No note open' : 'Your notes live here'}</p>
      <p>{props.hasNotes ? 'Pick a note from the list, or press New note.' : 'Press New note to start writing. Everything is saved as you type, even offline.'}</p>
    </div>
  );
}
