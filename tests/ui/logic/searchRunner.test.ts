import { describe, expect, it } from 'vitest';
import { isSearchable, SearchRunner } from '../../../src/ui/logic/searchRunner';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    schedule: (run: () => void) => {
      const id = next++;
      pending.set(id, run);
      return () => void pending.delete(id);
    },
    fireAll: () => {
      const runs = [...pending.values()];
      pending.clear();
      runs.forEach((run) => run());
    },
    count: () => pending.size,
  };
}

/** A search whose answers the test releases one by one, in any order. */
function controlledSearch() {
  const calls: { query: string; answer: (hits: string[]) => void; fail: (e: Error) => void }[] = [];
  const search = (query: string) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ query, answer: resolve, fail: reject });
    });
  return { search, calls };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const timers = manualTimers();
  const { search, calls } = controlledSearch();
  const shown: { hits: readonly string[] | null; query: string }[] = [];
  const failures: unknown[] = [];
  const runner = new SearchRunner<string>({
    search,
    schedule: timers.schedule,
    show: (hits, query) => shown.push({ hits, query }),
    fail: (e) => failures.push(e),
  });
  return { runner, timers, calls, shown, failures };
}

describe('SearchRunner', () => {
  it('searches once for a burst of keystrokes, after the debounce', async () => {
    const { runner, timers, calls, shown } = setup();
    runner.setQuery('l');
    runner.setQuery('ly');
    runner.setQuery('lyo');
    expect(calls).toHaveLength(0);
    expect(timers.count()).toBe(1);
    timers.fireAll();
    expect(calls.map((c) => c.query)).toEqual(['lyo']);
    calls[0]!.answer(['Travel']);
    await flush();
    expect(shown).toEqual([{ hits: ['Travel'], query: 'lyo' }]);
    expect(runner.settledQuery).toBe('lyo');
  });

  it('drops an answer to a query the user has since changed, even when it arrives last', async () => {
    const { runner, timers, calls, shown } = setup();
    runner.setQuery('re');
    timers.fireAll();
    runner.setQuery('recipe');
    expect(runner.settledQuery).toBeNull();
    timers.fireAll();
    calls[1]!.answer(['Recipe']);
    await flush();
    calls[0]!.answer(['Recipe', 'Reading list']);
    await flush();
    expect(shown).toEqual([{ hits: ['Recipe'], query: 'recipe' }]);
  });

  it('shows every note at once (no search) for an empty box or one without letters or digits', async () => {
    const { runner, timers, calls, shown } = setup();
    runner.setQuery('milk');
    timers.fireAll();
    runner.setQuery('');
    expect(shown).toEqual([{ hits: null, query: '' }]);
    expect(runner.settledQuery).toBe('');
    runner.setQuery('(-');
    expect(shown.at(-1)).toEqual({ hits: null, query: '(-' });
    expect(timers.count()).toBe(0);
    calls[0]!.answer(['Groceries']);
    await flush();
    expect(shown).toHaveLength(2);
  });

  it('refresh runs the current search again at once, and does nothing when not searching', async () => {
    const { runner, timers, calls, shown } = setup();
    await runner.refresh();
    expect(calls).toHaveLength(0);
    runner.setQuery('idea');
    timers.fireAll();
    calls[0]!.answer(['Ideas']);
    await flush();
    const refreshed = runner.refresh();
    expect(calls.map((c) => c.query)).toEqual(['idea', 'idea']);
    calls[1]!.answer([]);
    await refreshed;
    expect(shown.at(-1)).toEqual({ hits: [], query: 'idea' });
  });

  it('reports a failure of the current search, not of a stale one', async () => {
    const { runner, timers, calls, failures } = setup();
    runner.setQuery('a');
    timers.fireAll();
    runner.setQuery('ab');
    timers.fireAll();
    calls[0]!.fail(new Error('stale'));
    calls[1]!.fail(new Error('current'));
    await flush();
    expect(failures.map((e) => (e as Error).message)).toEqual(['current']);
  });
});

describe('isSearchable', () => {
  it('needs a letter or a digit, in any script', () => {
    expect(isSearchable('')).toBe(false);
    expect(isSearchable('  "*" ')).toBe(false);
    expect(isSearchable('2')).toBe(true);
    expect(isSearchable('é')).toBe(true);
    expect(isSearchable('日本')).toBe(true);
  });
});
