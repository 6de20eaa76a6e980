// The note open in the editor, as Solid signals over a NoteDraft: which note, its text on screen,
// and whether that text is saved. Everything that leaves the note (switching, closing, the page
// going away) flushes first, so nothing typed is dropped.
import { batch, createSignal, type Accessor } from 'solid-js';
import { NoteDraft, type EditableField, type SaveState } from '../logic/draft';
import type { NotesClient } from '../connection/workerClient';

export interface EditorSession {
  readonly openId: Accessor<string | null>;
  readonly title: Accessor<string>;
  readonly body: Accessor<string>;
  readonly saveState: Accessor<SaveState>;
  /** Shows note `id`, after saving the one open now. False if that save failed or the note is gone. */
  open(id: string): Promise<boolean>;
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

export function createEditorSession(client: NotesClient): EditorSession {
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

  async function open(id: string): Promise<boolean> {
    if (draft?.id === id) return true;
    const token = ++openToken;
    if (!(await flush())) return false;
    const note = await client.getNote(id);
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
