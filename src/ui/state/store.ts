// The app's state as signals: whether the notes could be opened, the list, the search, which note is
// open, the note just deleted (for Undo), and what the user should be told. Views read these and
// call the actions; only this module, session.ts, trashModel.ts and syncModel.ts talk to the worker.
import { batch, createMemo, createSignal, type Accessor } from 'solid-js';
import type { NoteSearchHit, NoteSummary, StorageKind } from '../../worker/api';
import { createFilesModel, type FilesModel } from './filesModel';
import { keepUnchanged, patchList } from '../logic/listPatch';
import { describeError } from '../text/messages';
import { createSearchState } from './searchState';
import { createEditorSession, type EditorSession } from './session';
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
  deleteOpenNote(): Promise<void>;
  /** Brings the last deleted note back from the Trash and opens it. */
  undoDelete(): Promise<void>;
  backToList(): Promise<void>;
  openTrash(): Promise<void>;
}

/** A change of more notes than this reads the whole list again rather than patching it. */
export const PATCH_MAX_IDS = 200;
/** The first read on start: enough rows for a screen, so the list shows before the rest is read. */
export const FIRST_SCREEN_ROWS = 100;

export function createNotesStore(client: NotesClient): NotesStore {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'opening' });
  // Unchanged notes keep their objects across updates (listPatch.ts): the keyed list does not
  // render their rows again, and focus stays put, when one note changes.
  const [notes, setNotes] = createSignal<readonly NoteSummary[]>([]);
  const [listLoaded, setListLoaded] = createSignal(false);
  const [view, setView] = createSignal<View>('list');
  const [notice, setNotice] = createSignal<string | null>(null);
  const [titleFocus, setTitleFocus] = createSignal(0);
  const [switching, setSwitching] = createSignal(false);
  const [lastDeleted, setLastDeleted] = createSignal<DeletedNote | null>(null);
  const editor = createEditorSession(client);
  const sync = createSyncModel(client);
  const trash = createTrashModel(client, () => refreshList());
  const files = createFilesModel(client);

  const search = createSearchState(client, (error) => setNotice(describeError(error)));
  const visibleNotes = createMemo((): readonly ListedNote[] => search.hits() ?? notes());

  // One list read at a time, in order, so an older answer never overwrites a newer one. Changes
  // arriving meanwhile are gathered: a few changed notes are read and patched in, many (a pulled
  // page, a restart, another tab taking over) read the whole list again.
  const pendingIds = new Set<string>();
  let fullRead: 'none' | 'first-screen' | 'all' = 'none';
  let reading: Promise<void> | null = null;
  let onListed = (): void => undefined;

  function readList(): Promise<void> {
    if (reading) return reading;
    if (fullRead === 'none' && pendingIds.size === 0) return Promise.resolve();
    const run = (async () => {
      try {
        while (fullRead !== 'none' || pendingIds.size > 0) {
          if (fullRead !== 'none') {
            const firstScreen = fullRead === 'first-screen';
            fullRead = firstScreen ? 'all' : 'none';
            pendingIds.clear();
            const list = await client.listNotes(firstScreen ? { limit: FIRST_SCREEN_ROWS } : undefined);
            // Only the first screen: the rest comes with the next read (unless that was all there is).
            if (firstScreen && list.length < FIRST_SCREEN_ROWS) fullRead = 'none';
            batch(() => {
              setNotes((previous) => keepUnchanged(previous, list));
              setListLoaded(true);
            });
            onListed();
          } else {
            const ids = [...pendingIds];
            pendingIds.clear();
            try {
              const { summaries, missing } = await client.getNoteSummaries(ids);
              setNotes((previous) => patchList(previous, summaries, missing));
            } catch (error) {
              // An id the worker will not look up (not a note's): the whole list is read instead.
              if (toWorkerError(error).kind !== 'ValidationError') throw error;
              fullRead = 'all';
            }
          }
        }
      } catch (error) {
        setNotice(describeError(error));
      } finally {
        reading = null;
      }
    })();
    reading = run;
    return run;
  }

  /** Reads the whole list again (after a restore from the Trash, on start). */
  function refreshList(): Promise<void> {
    if (fullRead === 'none') fullRead = 'all';
    return readList();
  }

  /** Brings the rows of notes `ids` up to date (a change event, a write made here). */
  function refreshNotes(ids: readonly string[]): Promise<void> {
    if (ids.length > PATCH_MAX_IDS || (!listLoaded() && fullRead === 'none')) fullRead = 'all';
    else for (const id of ids) pendingIds.add(id);
    return readList();
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
        void (event.all ? refreshList() : refreshNotes(event.entityIds));
        void search.refresh();
        trash.changed();
        void editor.noteChanged(event.entityIds).catch(() => undefined);
        sync.changed();
      });
      // The app shows as soon as the first screen of the list is read; the rest follows.
      fullRead = 'first-screen';
      const firstScreen = new Promise<void>((resolve) => (onListed = resolve));
      await Promise.all([
        Promise.race([firstScreen, readList()]),
        // Without sync the notes still work: a failure here is logged, not a failed start.
        sync.start().catch((error: unknown) => console.error('notes: sync status is not available', error)),
      ]);
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

  /** Runs a move to another note with the editor read-only until it is done (see `switching`). */
  function switchingNotes(run: () => Promise<void>): Promise<void> {
    setSwitching(true);
    return attempt(run).finally(() => setSwitching(false));
  }

  const select = (id: string, focusEditor = false): Promise<void> =>
    switchingNotes(async () => {
      if (await editor.open(id)) {
        batch(() => {
          setNotice(null);
          setView('editor');
          if (focusEditor) setTitleFocus((n) => n + 1);
        });
      } else {
        explainUnsaved();
      }
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
      const note = await client.createNote({ title: '', body: '' });
      search.setQuery('');
      await refreshNotes([note.id]);
      if (await editor.open(note.id)) {
        batch(() => {
          setNotice(null);
          setView('editor');
          setTitleFocus((n) => n + 1);
        });
      }
    });

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
      await client.deleteNote(id);
      editor.discard();
      setLastDeleted((last) => ({ id, title, serial: (last?.serial ?? 0) + 1 }));
      await Promise.all([refreshNotes([id]), search.refresh()]);
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
      await Promise.all([refreshNotes([deleted.id]), search.refresh()]);
      if (await editor.open(deleted.id)) {
        batch(() => {
          setNotice(null);
          setView('editor');
          setTitleFocus((n) => n + 1);
        });
      } else {
        explainUnsaved();
      }
    });

  const backToList = (): Promise<void> =>
    attempt(async () => {
      if (await editor.flush()) setView('list');
      else explainUnsaved();
    });

  // The open note's text is saved first: on a phone the Trash takes the editor's place.
  const openTrash = (): Promise<void> =>
    attempt(async () => {
      if (await editor.flush()) setView('trash');
      else explainUnsaved();
    });

  return {
    phase,
    visibleNotes,
    noMatches: search.noMatches,
    noteCount: () => notes().length,
    titleOf: (id) => notes().find((n) => n.id === id)?.title ?? null,
    listLoaded,
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
    deleteOpenNote,
    undoDelete,
    backToList,
    openTrash,
  };
}
