// The pure bookkeeping of calls between tabs: which calls a leader has still to be sent, that the
// first answer settles a call and a late one is dropped, and that a leader runs a request once.
import { describe, expect, it } from 'vitest';
import { Answered, CallBook, type Outcome } from '../../../src/worker/tabs/rpc';

describe('CallBook', () => {
  it('sends each call once per leader, and again to the next leader while it is unanswered', async () => {
    const book = new CallBook();
    const a = book.add('listNotes', []);
    const b = book.add('createNote', [{ title: 'x' }, { actionId: 'a1' }]);
    expect(book.due('L1').map((c) => [c.id, c.method, c.attempt])).toEqual([
      [a.id, 'listNotes', 1],
      [b.id, 'createNote', 1],
    ]);
    expect(book.due('L1')).toEqual([]);

    expect(book.settle(a.id, { ok: true, value: [] })).toBe(true);
    await expect(a.result).resolves.toEqual([]);

    // Handoff: only the unanswered call goes to the new leader, with the same id and arguments.
    const resent = book.due('L2');
    expect(resent).toEqual([{ id: b.id, method: 'createNote', args: [{ title: 'x' }, { actionId: 'a1' }], attempt: 2 }]);
    expect(book.due('L2')).toEqual([]);
  });

  it('takes the first answer; a late answer to an earlier attempt changes nothing', async () => {
    const book = new CallBook();
    const c = book.add('getNote', ['n1']);
    book.due('L1');
    book.due('L2');
    expect(book.settle(c.id, { ok: true, value: 'from L2' })).toBe(true);
    expect(book.settle(c.id, { ok: true, value: 'from L1, late' })).toBe(false);
    await expect(c.result).resolves.toBe('from L2');
    expect(book.size).toBe(0);
  });

  it('passes failures on, and can fail every call at once', async () => {
    const book = new CallBook();
    const c = book.add('getNote', ['bad']);
    const d = book.add('listNotes', []);
    book.settle(c.id, { ok: false, error: new Error('no such note') });
    await expect(c.result).rejects.toThrow('no such note');
    book.failAll(new Error('the notes could not be opened'));
    await expect(d.result).rejects.toThrow('could not be opened');
    expect(book.size).toBe(0);
  });

  it('knows how long the oldest call has waited', () => {
    const book = new CallBook();
    expect(book.oldestSince()).toBeNull();
    const first = book.add('listNotes', [], 100);
    book.add('listNotes', [], 250);
    expect(book.oldestSince()).toBe(100);
    book.settle(first.id, { ok: true, value: [] });
    expect(book.oldestSince()).toBe(250);
  });

  it('gives every call its own id', () => {
    const book = new CallBook();
    const ids = Array.from({ length: 50 }, () => book.add('listNotes', []).id);
    expect(new Set(ids).size).toBe(50);
  });
});

describe('Answered', () => {
  it('runs a request once per caller and id, and gives a repeat the same answer', async () => {
    const answered = new Answered();
    let runs = 0;
    const run = async (): Promise<Outcome> => ({ ok: true, value: ++runs });
    const first = answered.once('tab-a', 1, run);
    const again = answered.once('tab-a', 1, run);
    expect(await first).toEqual({ ok: true, value: 1 });
    expect(await again).toEqual({ ok: true, value: 1 });
    // Another caller's request 1, or this caller's request 2, is another call.
    expect(await answered.once('tab-b', 1, run)).toEqual({ ok: true, value: 2 });
    expect(await answered.once('tab-a', 2, run)).toEqual({ ok: true, value: 3 });
  });

  it('forgets the oldest answers beyond its capacity', async () => {
    const answered = new Answered(2);
    let runs = 0;
    const run = async (): Promise<Outcome> => ({ ok: true, value: ++runs });
    await answered.once('t', 1, run);
    await answered.once('t', 2, run);
    await answered.once('t', 3, run);
    expect(await answered.once('t', 3, run)).toEqual({ ok: true, value: 3 });
    expect(await answered.once('t', 1, run)).toEqual({ ok: true, value: 4 });
  });
});
