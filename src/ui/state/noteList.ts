// The notes list as signals: the worker's rows (read once, then patched from change events) with the
// page's own unconfirmed writes laid on top (logic/pendingRows.ts), so a new note, typed text or a
// delete shows at once and a refused one goes back to what is stored.
import { batch, createMemo, createSignal, type Accessor } from 'solid-js';
import type { NoteSummary } from '../../worker/api';
import { keepUnchanged, patchList } from '../logic/listPatch';
import { emptyOverlay, pend, settle, withOverlay, type Overlay, type PendingChange } from '../logic/pendingRows';
import { toWorkerError, type NotesClient } from '../connection/workerClient';

/** A change of more notes than this reads the whole list again rather than patching it. */
export const PATCH_MAX_IDS = 200;
/** The first read on start: enough rows for a screen, so the list shows before the rest is read. */
export const FIRST_SCREEN_ROWS = 100;

export interface NoteList {
  /** The list as shown: stored rows with the pending changes on top, most recent change first. */
  readonly rows: Accessor<readonly NoteSummary[]>;
  /** The row of note `id` as the worker last listed it (no pending change), if listed. */
  readonly storedRow: (id: string) => NoteSummary | undefined;
  readonly loaded: Accessor<boolean>;
  /** Reads the first screen, then the rest; resolves when the first screen is shown. */
  readFirstScreen(): Promise<void>;
  /** Reads the whole list again (after a restore from the Trash, a worker restart). */
  refreshAll(): Promise<void>;
  /** Brings the rows of notes `ids` up to date (a change event, a write made here). */
  refresh(ids: readonly string[]): Promise<void>;
  /** Shows `change` to note `id` at once; returns it, to settle later. */
  show(id: string, change: PendingChange): PendingChange;
  /** The write behind `change` was refused: the row goes back to what is stored, now. */
  rollBack(id: string, change: PendingChange): void;
  /** The write behind `change` is committed: its row is read, then shown in place of the pending one. */
  confirm(id: string, change: PendingChange): Promise<void>;
  /** Note `id`'s pending change, if any. */
  pending(id: string): PendingChange | undefined;
  /** Shows `change` while `write` runs; rolls it back if `write` fails (and rethrows). */
  showWhile<T>(id: string, change: PendingChange, write: () => Promise<T>): Promise<T>;
}

export function createNoteList(client: NotesClient, onError: (error: unknown) => void): NoteList {
  // Unchanged notes keep their objects across updates (listPatch.ts): the keyed list does not
  // render their rows again, and focus stays put, when one note changes.
  const [stored, setStored] = createSignal<readonly NoteSummary[]>([]);
  const [overlay, setOverlay] = createSignal<Overlay>(emptyOverlay);
  const [loaded, setLoaded] = createSignal(false);
  const rows = createMemo(() => withOverlay(stored(), overlay()));

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
              setStored((previous) => keepUnchanged(previous, list));
              setLoaded(true);
            });
            onListed();
          } else {
            const ids = [...pendingIds];
            pendingIds.clear();
            try {
              const { summaries, missing } = await client.getNoteSummaries(ids);
              setStored((previous) => patchList(previous, summaries, missing));
            } catch (error) {
              // An id the worker will not look up (not a note's): the whole list is read instead.
              if (toWorkerError(error).kind !== 'ValidationError') throw error;
              fullRead = 'all';
            }
          }
        }
      } catch (error) {
        onError(error);
      } finally {
        reading = null;
      }
    })();
    reading = run;
    return run;
  }

  function refreshAll(): Promise<void> {
    if (fullRead === 'none') fullRead = 'all';
    return readList();
  }

  function refresh(ids: readonly string[]): Promise<void> {
    if (ids.length > PATCH_MAX_IDS || (!loaded() && fullRead === 'none')) fullRead = 'all';
    else for (const id of ids) pendingIds.add(id);
    return readList();
  }

  function readFirstScreen(): Promise<void> {
    fullRead = 'first-screen';
    const firstScreen = new Promise<void>((resolve) => (onListed = resolve));
    return Promise.race([firstScreen, readList()]);
  }

  return {
    rows,
    storedRow: (id) => stored().find((n) => n.id === id),
    loaded,
    readFirstScreen,
    refreshAll,
    refresh,
    show: (id, change) => {
      setOverlay((o) => pend(o, id, change));
      return change;
    },
    rollBack: (id, change) => setOverlay((o) => settle(o, id, change)),
    confirm: async (id, change) => {
      await refresh([id]);
      setOverlay((o) => settle(o, id, change));
    },
    pending: (id) => overlay().get(id),
    showWhile: async (id, change, write) => {
      setOverlay((o) => pend(o, id, change));
      try {
        return await write();
      } catch (error) {
        setOverlay((o) => settle(o, id, change));
        throw error;
      }
    },
  };
}
