import { describe, expect, it } from 'vitest';
import { snippetOfBody } from '../../../src/sync/snippet';
import { fakeClock, openService, uuidFor } from '../helpers';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

describe('getNoteSummaries and listNotes({ limit }) (patching the list instead of reading it all)', () => {
  it('gives the list rows of visible notes and names the rest as missing', async () => {
    const clock = fakeClock(1_750_000_000_000, 1000);
    const { service } = await openService({ now: clock.now });
    const a = await service.createNote({ title: 'A', body: 'first\nsecond' });
    const b = await service.createNote({ title: 'B' });
    await service.deleteNote(b.id);
    const unknown = uuidFor('ffff', 999);
    const r = await service.getNoteSummaries([a.id, b.id, unknown, a.id]);
    expect(r.summaries).toEqual((await service.listNotes()).filter((n) => n.id === a.id));
    expect(r.summaries[0]).toMatchObject({ id: a.id, title: 'A', snippet: 'first', pending: true });
    expect([...r.missing].sort()).toEqual([b.id, unknown].sort());
    expect(await service.getNoteSummaries([])).toEqual({ summaries: [], missing: [] });
  });

  it('refuses what is not a list of note ids, or too many at once', async () => {
    const { service } = await openService();
    expect((await rejection(service.getNoteSummaries(['not an id']))).name).toBe('ValidationError');
    expect((await rejection(service.getNoteSummaries('x' as unknown as string[]))).name).toBe('ValidationError');
    const many = Array.from({ length: 1001 }, (_, i) => uuidFor('aaaa', i));
    expect((await rejection(service.getNoteSummaries(many))).name).toBe('ValidationError');
  });

  it('lists only the newest notes when given a limit', async () => {
    const clock = fakeClock(1_750_000_000_000, 1000);
    const { service } = await openService({ now: clock.now });
    for (const title of ['1', '2', '3']) await service.createNote({ title });
    expect((await service.listNotes({ limit: 2 })).map((n) => n.title)).toEqual(['3', '2']);
    expect((await service.listNotes()).length).toBe(3);
    expect((await rejection(service.listNotes({ limit: 0 }))).name).toBe('ValidationError');
  });
});

describe('the list line the page works out for a row it shows before it is saved', () => {
  it('is the one the worker lists once the body is stored', async () => {
    const { service } = await openService();
    const bodies = ['', 'one line', '\n\n  indented  \nnext', ' '.repeat(390) + '\nlate', 'x'.repeat(500), `${'é'.repeat(200)}\n`, '\t\r\nwindows\r\nline'];
    for (const body of bodies) {
      const n = await service.createNote({ title: 't', body });
      const [row] = (await service.getNoteSummaries([n.id])).summaries;
      expect(row!.snippet, JSON.stringify(body.slice(0, 20))).toBe(snippetOfBody(body));
    }
  });
});
