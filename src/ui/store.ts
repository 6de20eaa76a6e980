// The app's state as signals: whether the notes could be opened, the list, the search, which note is
// open, and what the user should be told. Views read these and call the actions; only this module
// and session.ts talk to the worker.
import { batch, createMemo, createSignal, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { NoteSummary, StorageKind } from '../worker/api';
import { describeError } from './messages';
import { createEditorSession, type EditorSession } from './session';
import { createSyncModel, type SyncModel } from './syncModel';
import { toWorkerError, type NotesClient } from './workerClient';

export type Phase =
  | { readonly kind: 'opening' }
  | { readonly kind: 'ready'; readonly storage: StorageKind; readonly warning?: string }
  | { readonly kind: 'locked' }
  | { readonly kind: 'failed'; readonly message: string };

/** On a narrow screen one pane shows at a time; wide screens show both and ignore this. */
export type View = 'list' | 'editor';

export interface NotesStore {
  readonly phase: Accessor<Phase>;
  /** The notes matching the search, most recently changed first. */
  readonly visibleNotes: Accessor<readonly NoteSummary[]>;
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
  start(): Promise<void>;
  select(id: string): Promise<void>;
  newNote(): Promise<void>;
  deleteOpenNote(): Promise<void>;
  backToList(): Promise<void>;
}

export function matchesQuery(note: NoteSummary, query: string): boolean {
  const q = query.trim().toLocaleLowerCase();
  if (!q) return true;
  return note.title.toLocaleLowerCase().includes(q) || note.snippet.toLocaleLowerCase().includes(q);
}

export function byLastChange(notes: readonly NoteSummary[]): NoteSummary[] {
  return [...notes].sort((a, b) => b.changedAt - a.changedAt);
}

export function createNotesStore(client: NotesClient): NotesStore {
  const [phase, setPhase] = createSignal<Phase>({ kind: 'opening' });
  // A store reconciled by id keeps each note's object (and so its list row) across refreshes: the
  // list does not rebuild, and focus stays put, when one note changes.
  const [notes, setNotes] = createStore<NoteSummary[]>([]);
  const [listLoaded, setListLoaded] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const [view, setView] = createSignal<View>('list');
  const [notice, setNotice] = createSignal<string | null>(null);
  const [titleFocus, setTitleFocus] = createSignal(0);
  const [switching, setSwitching] = createSignal(false);
  const editor = createEditorSession(client);
  const sync = createSyncModel(client);
  const visibleNotes = createMemo(() => notes.filter((n) => matchesQuery(n, query())));

  // One list read at a time; changes arriving meanwhile cause exactly one more read.
  let refreshing: Promise<void> | null = null;
  let refreshAgain = false;
  function refreshList(): Promise<void> {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    const run = (async () => {
      try {
        do {
          refreshAgain = false;
          const list = byLastChange(await client.listNotes());
          batch(() => {
            setNotes(reconcile(list, { key: 'id' }));
            setListLoaded(true);
          });
        } while (refreshAgain);
      } catch (error) {
        setNotice(describeError(error));
      } finally {
        refreshing = null;
      }
    })();
    refreshing = run;
    return run;
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
        void refreshList();
        void editor.noteChanged(event.entityIds).catch(() => undefined);
        sync.changed();
      });
      await Promise.all([
        refreshList(),
        // Without sync the notes still work: a failure here is logged, not a failed start.
        sync.start().catch((error: unknown) => console.error('notes: sync status is not available', error)),
      ]);
      setPhase({ kind: 'ready', storage: opened.storage, ...(opened.warning ? { warning: opened.warning } : {}) });
      const first = notes[0];
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

  const select = (id: string): Promise<void> =>
    switchingNotes(async () => {
      if (await editor.open(id)) {
        setNotice(null);
        setView('editor');
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
      setQuery('');
      await refreshList();
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
      editor.hold();
      await client.deleteNote(id);
      editor.discard();
      await refreshList();
      const remaining = visibleNotes();
      const neighbour = remaining[Math.min(Math.max(index, 0), remaining.length - 1)];
      setView('list');
      setNotice(null);
      if (neighbour) await editor.open(neighbour.id);
    });

  const backToList = (): Promise<void> =>
    attempt(async () => {
      if (await editor.flush()) setView('list');
      else explainUnsaved();
    });

  return {
    phase,
    visibleNotes,
    noteCount: () => notes.length,
    titleOf: (id) => notes.find((n) => n.id === id)?.title ?? null,
    listLoaded,
    query,
    setQuery,
    view,
    notice,
    dismissNotice: () => setNotice(null),
    titleFocus,
    switching,
    editor,
    sync,
    start,
    select,
    newNote,
    deleteOpenNote,
    backToList,
  };
}
