// The Trash as signals: the deleted notes, read while the Trash view is open and again after every
// change (a delete in another tab, a restore pulled by sync), and the Restore / Delete forever /
// Empty trash actions with their outcome in words.
import { batch, createSignal, type Accessor } from 'solid-js';
import type { TrashedNote } from '../../worker/api';
import { coalesced } from '../logic/coalesce';
import { describeError } from '../text/messages';
import { displayTitle } from '../text/noteText';
import { countOf } from '../text/units';
import type { NotesClient } from '../connection/workerClient';

export interface TrashModel {
  readonly items: Accessor<readonly TrashedNote[]>;
  readonly loaded: Accessor<boolean>;
  /** What the last action did ("Restored …"), for a polite status line. */
  readonly message: Accessor<string | null>;
  /** Why the last read or action failed, in words. */
  readonly error: Accessor<string | null>;
  readonly busy: Accessor<boolean>;
  /** Keeps the list fresh while the Trash is on screen; returns the stop. */
  watch(): () => void;
  /** Notes changed somewhere: re-read if the Trash is on screen. */
  changed(): void;
  restore(id: string): Promise<boolean>;
  purge(id: string): Promise<void>;
  empty(): Promise<void>;
}

export function createTrashModel(client: NotesClient, onRestored: () => Promise<void>): TrashModel {
  const [items, setItems] = createSignal<readonly TrashedNote[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [message, setMessage] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let watchers = 0;

  const reload = coalesced(async () => {
    try {
      const list = await client.listTrash();
      batch(() => {
        setItems(list);
        setLoaded(true);
      });
    } catch (e) {
      setError(describeError(e));
    }
  });

  async function act(run: () => Promise<string>): Promise<boolean> {
    setBusy(true);
    batch(() => {
      setError(null);
      setMessage(null);
    });
    try {
      setMessage(await run());
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
      await reload();
    }
  }

  const titleOf = (id: string): string => displayTitle(items().find((n) => n.id === id)?.title ?? '');

  return {
    items,
    loaded,
    message,
    error,
    busy,
    watch() {
      watchers++;
      batch(() => {
        setMessage(null);
        setError(null);
      });
      void reload();
      return () => {
        watchers--;
      };
    },
    changed() {
      if (watchers > 0) void reload();
    },
    restore: (id) =>
      act(async () => {
        const title = titleOf(id);
        await client.restoreNote(id);
        await onRestored();
        return `Restored “${title}”.`;
      }),
    purge: (id) =>
      act(async () => {
        const title = titleOf(id);
        await client.purgeNote(id);
        return `Deleted “${title}” forever.`;
      }).then(() => undefined),
    empty: () =>
      act(async () => {
        const { purged } = await client.emptyTrash();
        return purged === 0 ? 'The Trash was already empty.' : `Deleted ${countOf(purged, 'note', 'notes')} forever.`;
      }).then(() => undefined),
  };
}
