import { describe, expect, it } from 'vitest';
import type { Note, NoteFields } from '../../../src/worker/api';
import { NoteDraft, type SaveState } from '../../../src/ui/logic/draft';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Set<() => void>();
  return {
    schedule: (run: () => void) => {
      const entry = (): void => {
        pending.delete(entry);
        run();
      };
      pending.add(entry);
      return () => pending.delete(entry);
    },
    fireAll: () => [...pending].forEach((run) => run()),
    count: () => pending.size,
  };
}

function note(over: Partial<Note> = {}): Note {
  return { id: 'n1', title: 'T', body: 'B', createdAt: 1, changedAt: 1, stamps: { title: 's-t1', body: 's-b1' }, pending: false, ...over };
}

interface Call {
  fields: NoteFields;
  base: Readonly<Record<string, string>>;
}

/** A save that records its calls and answers each with new stamps for the fields written. */
function recordingSave(fail?: (call: Call) => Error | undefined) {
  const calls: Call[] = [];
  let stamps: Record<string, string> = { title: 's-t1', body: 's-b1' };
  let n = 1;
  const save = async (fields: NoteFields, base: Readonly<Record<string, string>>): Promise<Note> => {
    const call = { fields, base };
    calls.push(call);
    await Promise.resolve();
    const error = fail?.(call);
    if (error) throw error;
    n++;
    stamps = { ...stamps, ...Object.fromEntries(Object.keys(fields).map((k) => [k, `s-${k[0]}${n}`])) };
    return note({ ...fields, stamps });
  };
  return { calls, save };
}

const storageFull = (): Error => Object.assign(new Error('disk full'), { name: 'StorageFullError' });

describe('NoteDraft', () => {
  it('debounces typing into one save carrying only the changed field and its base stamp', async () => {
    const timers = manualTimers();
    const { calls, save } = recordingSave();
    const draft = new NoteDraft(note(), { save, schedule: timers.schedule });
    draft.edit('body', 'B1');
    draft.edit('body', 'B12');
    draft.edit('body', 'B123');
    expect(calls).toHaveLength(0);
    expect(timers.count()).toBe(1);
    timers.fireAll();
    await draft.flush();
    expect(calls).toEqual([{ fields: { body: 'B123' }, base: { body: 's-b1' } }]);
    expect(draft.dirty).toBe(false);
  });

  it('bases the next save on the stamps of the previous one', async () => {
    const { calls, save } = recordingSave();
    const draft = new NoteDraft(note(), { save, schedule: manualTimers().schedule });
    draft.edit('title', 'T2');
    await draft.flush();
    draft.edit('title', 'T3');
    draft.edit('body', 'B3');
    await draft.flush();
    expect(calls).toEqual([
      { fields: { title: 'T2' }, base: { title: 's-t1' } },
      { fields: { title: 'T3', body: 'B3' }, base: { title: 's-t2', body: 's-b1' } },
    ]);
  });

  it('does not save when the text returns to what is stored', async () => {
    const timers = manualTimers();
    const { calls, save } = recordingSave();
    const draft = new NoteDraft(note(), { save, schedule: timers.schedule });
    draft.edit('title', 'Tx');
    draft.edit('title', 'T');
    expect(timers.count()).toBe(0);
    await draft.flush();
    expect(calls).toHaveLength(0);
  });

  it('flush writes text typed while a save was running', async () => {
    const { calls, save } = recordingSave();
    const draft = new NoteDraft(note(), { save, schedule: manualTimers().schedule });
    draft.edit('body', 'one');
    const first = draft.flush();
    draft.edit('body', 'one two');
    await first;
    await draft.flush();
    expect(calls.map((c) => c.fields)).toEqual([{ body: 'one' }, { body: 'one two' }]);
    expect(draft.dirty).toBe(false);
  });

  it('keeps the text when storage is full and retries it all on the next edit', async () => {
    const timers = manualTimers();
    let full = true;
    const { calls, save } = recordingSave(() => (full ? storageFull() : undefined));
    const states: SaveState[] = [];
    const draft = new NoteDraft(note(), { save, schedule: timers.schedule, onStateChange: (s) => states.push(s) });
    draft.edit('body', 'a long text');
    await expect(draft.flush()).rejects.toThrow('disk full');
    expect(draft.values.body).toBe('a long text');
    expect(draft.dirty).toBe(true);
    expect(draft.saveState.kind).toBe('failed');
    full = false;
    draft.edit('title', 'New title');
    timers.fireAll();
    await draft.flush();
    expect(calls.at(-1)).toEqual({ fields: { title: 'New title', body: 'a long text' }, base: { title: 's-t1', body: 's-b1' } });
    expect(draft.saveState.kind).toBe('saved');
    expect(states.map((s) => s.kind)).toContain('failed');
  });

  it('takes a newer version written elsewhere, carrying unsaved body typing over onto it', async () => {
    const { save } = recordingSave();
    const draft = new NoteDraft(note({ body: 'Line one' }), { save, schedule: manualTimers().schedule });
    expect(draft.adopt(note({ title: 'Remote', body: 'Line one', stamps: { title: 's-r', body: 's-b1' } }))).toBe(true);
    expect(draft.values.title).toBe('Remote');
    draft.edit('body', 'Line one, typed here');
    // Another device added a line while this one was typing: both show, nothing typed is lost.
    expect(draft.adopt(note({ title: 'Remote 2', body: 'Line one\nLine two' }))).toBe(true);
    expect(draft.values).toEqual({ title: 'Remote 2', body: 'Line one, typed here\nLine two' });
    expect(draft.dirty).toBe(true);
    // Unsaved title text is kept as typed (the title is last-writer-wins, not merged).
    draft.edit('title', 'My title');
    expect(draft.adopt(note({ title: 'Remote 3', body: 'Line one\nLine two' }))).toBe(true);
    expect(draft.values.title).toBe('My title');
  });

  it('unsaved text the note comes back with (a restore of the lost edit) is taken as saved, not typed again', async () => {
    const { calls, save } = recordingSave();
    const timers = manualTimers();
    const draft = new NoteDraft(note({ title: 'Doomed', body: 'about to be deleted' }), { save, schedule: timers.schedule });
    draft.edit('body', 'B kept working on this');
    draft.edit('title', 'Doomed, kept');
    // The save failed (deleted elsewhere) and Restore put exactly this text back.
    expect(draft.adopt(note({ title: 'Doomed, kept', body: 'B kept working on this', stamps: { title: 's-r1', body: 's-r2' } }))).toBe(true);
    expect(draft.values).toEqual({ title: 'Doomed, kept', body: 'B kept working on this' });
    expect(draft.dirty).toBe(false);
    timers.fireAll();
    await draft.flush();
    expect(calls).toEqual([]);
  });

  it('sends the body as an edit of the text it was typed on, and carries typing during the save over', async () => {
    const sent: { fields: NoteFields; editedFrom: unknown }[] = [];
    let release: () => void = () => undefined;
    const draft = new NoteDraft(note({ body: 'abc' }), {
      save: async (fields, _base, editedFrom) => {
        sent.push({ fields, editedFrom });
        if (sent.length > 1) return note({ body: fields.body ?? '', stamps: { title: 's-t1', body: 's-b10' } });
        await new Promise<void>((r) => (release = r));
        // The worker merged a remote edit in before ours: its answer has both.
        return note({ body: 'REMOTE abcd', stamps: { title: 's-t1', body: 's-b9' } });
      },
      schedule: manualTimers().schedule,
    });
    draft.edit('body', 'abcd');
    const flushed = draft.flush();
    await Promise.resolve();
    draft.edit('body', 'abcde');
    release();
    await flushed;
    expect(sent[0]).toEqual({ fields: { body: 'abcd' }, editedFrom: { body: 'abc' } });
    expect(draft.values.body).toBe('REMOTE abcde');
    expect(sent[1]).toEqual({ fields: { body: 'REMOTE abcde' }, editedFrom: { body: 'REMOTE abcd' } });
  });
});
