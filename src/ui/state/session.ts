// The note open in the editor, as Solid signals over a NoteDraft: which note, its text on screen,
// and whether that text is saved. Everything that leaves the note (switching, closing, the page
// going away) flushes first, so nothing typed is dropped.
import { batch, createSignal, type Accessor } from 'solid-js';
import { NoteDraft, type EditableField, type SaveState } from '../logic/draft';
import type { NotesClient } from '../connection/workerClient';
import type { Note } from '../../worker/api';

/** What the list needs to hear from the editor to show typed text before it is saved. */
export interface EditorWatch {
  /** The text of note `id` changed on screen; `dirty` while it differs from what is stored. */
  typed(id: string, text: { readonly title: string; readonly body: string }, dirty: boolean): void;
  /** Everything typed in note `id` is stored (or nothing was left to store). */
  saved(id: string): void;
  /** A save of note `id` failed: what it showed is not stored (the editor keeps the text). */
  failed(id: string, error: unknown): void;
}

export interface EditorSession {
  readonly openId: Accessor<string | null>;
  readonly title: Accessor<string>;
  readonly body: Accessor<string>;
  readonly saveState: Accessor<SaveState>;
  /**
   * Shows note `id`, after saving the one open now. False if that save failed or the note is gone.
   * `known` is the note as the worker just answered it (a note created here): it is not read again.
   */
  open(id: string, known?: Note): Promise<boolean>;
  edit(field: EditableField, value: string): void;
  /** Saves what is typed now. False (and the text kept, the error in saveState) if it failed. */
  flush(): Promise<boolean>;
  /** Closes the editor without saving: for a note being deleted. */
  discard(): void;
  /** Stops pending saves of the open note, keeping its text, while it is being deleted. */
  hold(): void;
  /** Another write touched these notes: show the newer text unless the user has unsaved text. */
  noteChanged(ids: readonly string[]): Promise<void>;
}

export function createEditorSession(client: NotesClient, watch?: EditorWatch): EditorSession {
  const [openId, setOpenId] = createSignal<string | null>(null);
  const [title, setTitle] = createSignal('');
  const [body, setBody] = createSignal('');
  const [saveState, setSaveState] = createSignal<SaveState>({ kind: 'saved' });
  let draft: NoteDraft | null = null;
  // Only the latest open() may take the editor: a slow load must not replace a later choice.
  let openToken = 0;

  const show = (d: NoteDraft): void =>
    batch(() => {
      setTitle(d.values.title);
      setBody(d.values.body);
    });

  async function flush(): Promise<boolean> {
    if (!draft) return true;
    try {
      await draft.flush();
      return true;
    } catch {
      return false;
    }
  }

  async function open(id: string, known?: Note): Promise<boolean> {
    if (draft?.id === id) return true;
    const token = ++openToken;
    if (!(await flush())) return false;
    const note = known?.id === id ? known : await client.getNote(id);
    if (token !== openToken) return false;
    if (!note) return false;
    draft?.dispose();
    const next = new NoteDraft(note, {
      save: (fields, base, editedFrom) => client.updateNote(id, fields, { base, editedFrom }),
      onTextChange: () => {
        if (draft === next) show(next);
      },
      schedule: (run, ms) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      },
      onStateChange: (state) => {
        // The list hears about every save, also the last one of a note the editor has left.
        if (state.kind === 'saved') watch?.saved(id);
        else if (state.kind === 'failed') watch?.failed(id, state.error);
        if (draft === next) setSaveState(state);
      },
    });
    draft = next;
    batch(() => {
      setOpenId(id);
      show(next);
      setSaveState(next.saveState);
    });
    return true;
  }

  function edit(field: EditableField, value: string): void {
    if (!draft) return;
    draft.edit(field, value);
    if (field === 'title') setTitle(value);
    else setBody(value);
    watch?.typed(draft.id, draft.values, draft.dirty);
  }

  function discard(): void {
    openToken++;
    draft?.dispose();
    draft = null;
    batch(() => {
      setOpenId(null);
      setTitle('');
      setBody('');
      setSaveState({ kind: 'saved' });
    });
  }

  async function noteChanged(ids: readonly string[]): Promise<void> {
    const current = draft;
    if (!current || !ids.includes(current.id)) return;
    // A save under way answers with the merged text; read the note after it, so that a change that
    // landed after the save was merged is shown too.
    for (let attempt = 0; attempt < 5; attempt++) {
      await current.settled();
      const note = await client.getNote(current.id);
      if (draft !== current) return;
      if (!note) {
        // Deleted elsewhere: nothing left to edit. Unsaved text stays on screen (its save will
        // fail and say so, and the edit is kept under Conflicts).
        if (!current.dirty) discard();
        return;
      }
      if (current.adopt(note)) {
        show(current);
        // Typing carried over onto the newer text is still unsaved: the list shows it so.
        if (current.dirty) watch?.typed(current.id, current.values, true);
        return;
      }
    }
  }

  return {
    openId,
    title,
    body,
    saveState,
    open,
    edit,
    flush,
    discard,
    hold: () => draft?.dispose(),
    noteChanged,
  };
}
