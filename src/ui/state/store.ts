// The app's state as signals: whether the notes could be opened, the list, the search, which note is
// open, the note just deleted (for Undo), and what the user should be told. Views read these and
// call the actions; only this module, session.ts, trashModel.ts and syncModel.ts talk to the worker.
import { batch, createMemo, createSignal, type Accessor } from 'solid-js';
import { uuidv7 } from 'uuidv7';
import type { Note, NoteSearchHit, NoteSummary, StorageKind } from '../../worker/api';
import { createFilesModel, type FilesModel } from './filesModel';
import { writtenRow, type PendingChange } from '../logic/pendingRows';
import { describeError } from '../text/messages';
import { createNoteList } from './noteList';
import { createMoveQueue } from './moveQueue';
import { createSearchState } from './searchState';
import { createEditorSession, type EditorSession, type EditorWatch } from './session';
import { createSyncModel, type SyncModel } from './syncModel';
import { createTrashModel, type TrashModel } from './trashModel';
import { toWorkerError, type NotesClient } from '../connection/workerClient';

export type Phase =
  | { readonly kind: 'opening' }
  | { readonly kind: 'ready'; readonly storage: StorageKind; readonly warning?: string }
  | { readonly kind: 'locked' }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * On a narrow screen one pane shows at a time; wide screens show the list beside the editor, or
 * beside the Trash ('trash').
 */
export type View = 'list' | 'editor' | 'trash';

/** A row of the list: a note, with where the search matched it while searching. */
export type ListedNote = NoteSummary & Partial<Pick<NoteSearchHit, 'titleRanges' | 'snippetRanges'>>;

/** The note just moved to the Trash, for the "Note deleted — Undo" toast. */
export interface DeletedNote {
  readonly id: string;
  readonly title: string;
  /** Tells two deletes of the same note apart (the toast restarts its time). */
  readonly serial: number;
}

export interface NotesStore {
  readonly phase: Accessor<Phase>;
  /** Every note, most recently changed first; while searching, the matches, best first. */
  readonly visibleNotes: Accessor<readonly ListedNote[]>;
  /** The search has answered the query typed and found nothing. */
  readonly noMatches: Accessor<boolean>;
  readonly noteCount: Accessor<number>;
  /** The title of a listed note, or null when there is no such note (deleted). */
  readonly titleOf: (id: string) => string | null;
  readonly listLoaded: Accessor<boolean>;
  readonly query: Accessor<string>;
  readonly setQuery: (q: string) => void;
  readonly view: Accessor<View>;
  /** A problem with the last action (create, delete, open), in words for the user. */
  readonly notice: Accessor<string | null>;
  readonly dismissNotice: () => void;
  /** Bumped when the title field should take focus (a new note). */
  readonly titleFocus: Accessor<number>;
  /**
   * True while the editor is moving to another note (saving this one, loading or creating the next):
   * its fields are read-only then, so keys typed meanwhile cannot land in the note being left.
   */
  readonly switching: Accessor<boolean>;
  readonly editor: EditorSession;
  readonly sync: SyncModel;
  readonly trash: TrashModel;
  readonly files: FilesModel;
  /** The last note deleted here, until Undo or the toast goes away. */
  readonly lastDeleted: Accessor<DeletedNote | null>;
  readonly dismissUndo: () => void;
  start(): Promise<void>;
  /** Opens note `id`; with `focusEditor`, the focus goes on into its title (opened from the keyboard). */
  select(id: string, focusEditor?: boolean): Promise<void>;
  newNote(): Promise<void>;
  /**
   * Creates a note with this text, listed at once (before the worker answers; taken out again if
   * it refuses). Resolves with the note once written; `confirmed` once the list holds its stored row.
   * New note uses it; so does the bench (src/ui/browser/benchHook.ts).
   */
  createNoteShown(text: { readonly title: string; readonly body: string }): Promise<{ readonly note: Note; readonly confirmed: Promise<void> }>;
  deleteOpenNote(): Promise<void>;
  /** Brings the last deleted note back from the Trash and opens it. */
  undoDelete(): Promise<void>;
  backToList(): Promise<void>;
  openTrash(): Promise<void>;
}

export { FIRST_SCREEN_ROWS, PATCH_MAX_IDS } from './noteList';

export function createNotesStore(client: NotesClient): NotesStore {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'opening' });
  const [view, setView] = createSignal<View>('list');
  const [notice, setNotice] = createSignal<string | null>(null);
  const [titleFocus, setTitleFocus] = createSignal(0);
  const [switching, setSwitching] = createSignal(false);
  const [lastDeleted, setLastDeleted] = createSignal<DeletedNote | null>(null);
  const list = createNoteList(client, (error) => setNotice(describeError(error)));
  const notes = list.rows;
  const editor = createEditorSession(client, typingShownInList());
  const sync = createSyncModel(client);
  const trash = createTrashModel(client, () => list.refreshAll());
  const files = createFilesModel(client);

  const search = createSearchState(client, (error) => setNotice(describeError(error)));
  const visibleNotes = createMemo((): readonly ListedNote[] => search.hits() ?? notes());

  /**
   * Typed text shows in the list row at once (title and first line), not after the debounced save;
   * a save that fails takes the row back to what is stored, and the editor says why and keeps the text.
   */
  function typingShownInList(): EditorWatch {
    return {
      typed: (id, text, dirty) => {
        const current = list.pending(id);
        const stored = list.storedRow(id);
        // Typed back to what is stored: the stored row is right (a new note not listed yet keeps its own).
        if (!dirty) {
          if (current && stored) list.rollBack(id, current);
          return;
        }
        list.show(id, { kind: 'put', row: writtenRow(id, text, Date.now(), current?.kind === 'put' ? current.row : stored) });
      },
      saved: (id) => {
        const current = list.pending(id);
        if (current) void list.confirm(id, current);
      },
      failed: (id) => {
        const current = list.pending(id);
        if (current) list.rollBack(id, current);
      },
    };
  }

  async function start(): Promise<void> {
    try {
      let opened = await client.open();
      // No tab holding the notes has answered for a while: say so, and keep asking.
      while (opened.state === 'locked') {
        setPhase({ kind: 'locked' });
        opened = await client.open();
      }
      await client.subscribe((event) => {
        void (event.all ? list.refreshAll() : list.refresh(event.entityIds));
        void search.refresh();
        trash.changed();
        void editor.noteChanged(event.entityIds).catch(() => undefined);
        sync.changed();
      });
      // The app shows as soon as the first screen of the list is read; the rest follows. The sync
      // status is not waited for: its calls may queue behind the read of the whole list, and the
      // notes work without it (a failure here is logged, not a failed start).
      void sync.start().catch((error: unknown) => console.error('notes: sync status is not available', error));
      await list.readFirstScreen();
      setPhase({ kind: 'ready', storage: opened.storage, ...(opened.warning ? { warning: opened.warning } : {}) });
      const first = notes()[0];
      if (first && !editor.openId()) await editor.open(first.id);
    } catch (error) {
      const failure = toWorkerError(error);
      if (failure.kind === 'DatabaseLockedError') setPhase({ kind: 'locked' });
      else setPhase({ kind: 'failed', message: describeError(failure) });
    }
  }

  /** Runs a user action, turning its failure into a notice instead of an unhandled rejection. */
  async function attempt(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      setNotice(describeError(error));
    }
  }

  const moves = createMoveQueue(attempt, setSwitching);
  const inOrder = moves.inOrder;
  const switchingNotes = moves.switching;

  /** The editor takes the screen, on the note just opened; `focusTitle` puts the focus in its title. */
  function showEditor(focusTitle: boolean): void {
    batch(() => {
      setNotice(null);
      setView('editor');
      if (focusTitle) setTitleFocus((n) => n + 1);
    });
  }

  const select = (id: string, focusEditor = false): Promise<void> =>
    switchingNotes(async () => {
      if (await editor.open(id)) showEditor(focusEditor);
      else explainUnsaved();
    });

  /**
   * The open note's save failed, so the editor stays on it. The editor already shows why; a second
   * banner would only repeat it, so the focus goes back to the text instead.
   */
  function explainUnsaved(): void {
    if (editor.saveState().kind === 'failed') setTitleFocus((n) => n + 1);
  }

  const newNote = (): Promise<void> =>
    switchingNotes(async () => {
      // The open note's text is saved first; if that fails its text stays on screen with the reason.
      if (!(await editor.flush())) return explainUnsaved();
      search.setQuery('');
      // The row shows at once; the editor opens on the note as the worker answered it.
      const { note } = await createNoteShown({ title: '', body: '' });
      if (await editor.open(note.id, note)) showEditor(true);
    });

  async function createNoteShown(text: { readonly title: string; readonly body: string }): Promise<{ note: Note; confirmed: Promise<void> }> {
    // The page makes the id, so the row can be listed before the worker answers (it refuses an id in use).
    const id = uuidv7();
    const change: PendingChange = { kind: 'put', row: writtenRow(id, text, Date.now()) };
    const note = await list.showWhile(id, change, () => client.createNote(text, { id }));
    return { note, confirmed: list.confirm(id, change) };
  }

  const deleteOpenNote = (): Promise<void> =>
    switchingNotes(async () => {
      const id = editor.openId();
      if (!id) return;
      const index = visibleNotes().findIndex((n) => n.id === id);
      const title = editor.title();
      // What was typed goes to the Trash with the note, so Undo and Restore bring it back. Should
      // that save fail, the user still asked for the delete: it goes ahead with the saved text.
      await editor.flush();
      editor.hold();
      // Gone from the list at once; back in it, with the reason in a notice, if the worker refuses.
      const change: PendingChange = { kind: 'remove' };
      await list.showWhile(id, change, () => client.deleteNote(id));
      editor.discard();
      setLastDeleted((last) => ({ id, title, serial: (last?.serial ?? 0) + 1 }));
      await Promise.all([list.confirm(id, change), search.refresh()]);
      const remaining = visibleNotes().filter((n) => n.id !== id);
      const neighbour = remaining[Math.min(Math.max(index, 0), remaining.length - 1)];
      setView('list');
      setNotice(null);
      if (neighbour) await editor.open(neighbour.id);
    });

  const undoDelete = (): Promise<void> =>
    switchingNotes(async () => {
      const deleted = lastDeleted();
      if (!deleted) return;
      setLastDeleted(null);
      await client.restoreNote(deleted.id);
      await Promise.all([list.refresh([deleted.id]), search.refresh()]);
      if (await editor.open(deleted.id)) showEditor(true);
      else explainUnsaved();
    });

  const backToList = (): Promise<void> =>
    inOrder(async () => {
      if (await editor.flush()) setView('list');
      else explainUnsaved();
    });

  // The open note's text is saved first: on a phone the Trash takes the editor's place.
  const openTrash = (): Promise<void> =>
    inOrder(async () => {
      if (await editor.flush()) setView('trash');
      else explainUnsaved();
    });

  return {
    phase,
    visibleNotes,
    noMatches: search.noMatches,
    noteCount: () => notes().length,
    titleOf: (id) => notes().find((n) => n.id === id)?.title ?? null,
    listLoaded: list.loaded,
    query: search.query,
    setQuery: search.setQuery,
    view,
    notice,
    dismissNotice: () => setNotice(null),
    titleFocus,
    switching,
    editor,
    sync,
    trash,
    files,
    lastDeleted,
    dismissUndo: () => setLastDeleted(null),
    start,
    select,
    newNote,
    createNoteShown,
    deleteOpenNote,
    undoDelete,
    backToList,
    openTrash,
  };
}
