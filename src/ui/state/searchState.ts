// The search box's state as signals over a SearchRunner: the query typed, the hits the worker's
// full-text index answered (best first), and whether the answer for this query found nothing.
import { batch, createSignal, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { NoteSearchHit } from '../../worker/api';
import { SearchRunner } from '../logic/searchRunner';
import type { NotesClient } from '../connection/workerClient';

export interface SearchState {
  readonly query: Accessor<string>;
  setQuery(query: string): void;
  /** The hits for the query, or null when not searching (the list shows every note). */
  readonly hits: Accessor<readonly NoteSearchHit[] | null>;
  /** The answer for the query typed is in, and it is empty. */
  readonly noMatches: Accessor<boolean>;
  /** Runs the current search again (the notes changed). */
  refresh(): Promise<void>;
}

export function createSearchState(client: NotesClient, fail: (error: unknown) => void): SearchState {
  const [query, setQuery] = createSignal('');
  // Reconciled by id, like the list: rows (and the focus in them) survive a search run again.
  const [hits, setHits] = createStore<NoteSearchHit[]>([]);
  const [searching, setSearching] = createSignal(false);
  const [answered, setAnswered] = createSignal<string | null>('');
  const runner = new SearchRunner<NoteSearchHit>({
    search: (q) => client.searchNotes(q),
    schedule: (run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    },
    show: (found, q) =>
      batch(() => {
        setSearching(found !== null);
        setHits(reconcile(found ? [...found] : [], { key: 'id' }));
        setAnswered(q);
      }),
    fail,
  });
  return {
    query,
    setQuery: (q) => {
      setQuery(q);
      runner.setQuery(q);
    },
    hits: () => (searching() ? hits : null),
    noMatches: () => searching() && answered() === query() && hits.length === 0,
    refresh: () => runner.refresh(),
  };
}
