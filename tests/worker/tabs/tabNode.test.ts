// Several tabs' workers in one process: the real TabNode, Leader, NotesService and SyncService over
// one real SQLite database (the device's file, kept across leaders), a real BroadcastChannel (Node
// has one), and a small in-process lock manager with the Web Locks queueing rule (one holder per
// name, the rest wait in order). A tab that closes is a node that stops: its channel closes and its
// lock frees, as when the browser ends a worker.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { ChangeEvent, Note, NoteSummary, NotesApi, OpenResult, SyncStatus } from '../../../src/worker/api';
import { authClient } from '../../../src/worker/sync/authClient';
import { ConflictService } from '../../../src/worker/notes/conflictService';
import type { LeaderServices } from '../../../src/worker/tabs/leader';
import { NotesService } from '../../../src/worker/notes/notesService';
import { OWNER_LOCK, type LockRequester } from '../../../src/worker/tabs/ownership';
import type { Db } from '../../../src/worker/db/sql';
import { SyncService } from '../../../src/worker/sync/syncService';
import { TabChannel } from '../../../src/worker/tabs/tabChannel';
import { TabNode } from '../../../src/worker/tabs/tabNode';
import { notesApiOf } from '../../../src/worker/workerApi';
import { count, memoryDb } from '../helpers';

/** Web Locks' exclusive mode: one holder per name; waiting requests are granted in order. */
class TestLocks implements LockRequester {
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly held = new Set<string>();

  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        this.held.add(name);
        Promise.resolve()
          .then(() => callback({ name }))
          .then(resolve, reject)
          .finally(() => {
            this.held.delete(name);
            this.waiting.get(name)?.shift()?.();
          });
      };
      if (this.held.has(name)) this.waiting.set(name, [...(this.waiting.get(name) ?? []), grant]);
      else grant();
    });
  }
}

const timers = {
  set: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** The leader's services as main.ts makes them, over the device's database; sync has no session. */
async function servicesOver(db: Db): Promise<LeaderServices> {
  const notes = new NotesService({ openDatabase: async () => ({ state: 'ready', db, storage: 'opfs' }), now: () => Date.now(), newId: uuidv7 });
  const offline = async (): Promise<Response> => {
    throw new TypeError('offline');
  };
  const sync = new SyncService(notes, {
    baseUrl: 'http://127.0.0.1:9',
    fetch: offline,
    auth: authClient({ baseUrl: 'http://127.0.0.1:9', fetch: offline }),
    timers,
    random: Math.random,
  });
  const api = notesApiOf(notes, sync, new ConflictService(notes));
  const opened = await api.open();
  return { api, opened, onChange: (l) => void notes.changes.subscribe(l), onStatus: (l) => void sync.statuses.subscribe(l) };
}

interface Tab {
  readonly node: TabNode;
  readonly api: NotesApi;
  /** Every entity id this tab's page heard of in change events. */
  readonly heard: Set<string>;
}

interface Group {
  readonly db: Db;
  readonly locks: TestLocks;
  readonly channelName: string;
  /** How many times a worker opened the database (became leader). */
  leaderships: number;
  open(options?: { wrapApi?: (api: NotesApi, node: () => TabNode) => NotesApi; failOpen?: Error; openingMs?: number }): Promise<Tab>;
}

const running: TabNode[] = [];
const extraChannels: BroadcastChannel[] = [];
afterEach(() => {
  for (const n of running.splice(0)) n.stop();
  for (const c of extraChannels.splice(0)) c.close();
});

async function group(options: { waitForLeaderMs?: number } = {}): Promise<Group> {
  const db = await memoryDb();
  const locks = new TestLocks();
  const channelName = `notes-tabs-test-${uuidv7()}`;
  let n = 0;
  const g: Group = {
    db,
    locks,
    channelName,
    leaderships: 0,
    async open(o = {}) {
      const id = `tab-${++n}`;
      const node: TabNode = new TabNode({
        id,
        channel: new TabChannel(new BroadcastChannel(channelName)),
        locks,
        openLeader: async () => {
          if (o.failOpen) throw o.failOpen;
          if (o.openingMs) await new Promise((r) => setTimeout(r, o.openingMs));
          g.leaderships++;
          const s = await servicesOver(db);
          return o.wrapApi ? { ...s, api: o.wrapApi(s.api, () => node) } : s;
        },
        timers,
        now: () => Date.now(),
        waitForLeaderMs: options.waitForLeaderMs ?? 5_000,
        askAgainMs: 50,
      });
      running.push(node);
      node.start();
      const heard = new Set<string>();
      const tab: Tab = { node, api: node.api, heard };
      return tab;
    },
  };
  return g;
}

async function listen(tab: Tab): Promise<void> {
  await tab.api.subscribe((e: ChangeEvent) => {
    for (const id of e.entityIds) tab.heard.add(id);
  });
}

/** A createNote as the page makes it: the note id and action id chosen before the first attempt. */
function newNote(api: NotesApi, title: string): Promise<Note> {
  return api.createNote({ title, body: `body of ${title}` }, { id: uuidv7(), actionId: uuidv7() });
}

const titles = (notes: readonly NoteSummary[]): string[] => notes.map((n) => n.title).sort();
const never = new Promise<never>(() => undefined);

describe('tabs sharing one database', () => {
  it('one tab leads, the others follow, and every open() says ready with the same client id', async () => {
    const g = await group();
    const first = await g.open();
    const a = await first.api.open();
    const others = await Promise.all([g.open(), g.open()]);
    const b = await Promise.all(others.map((t) => t.api.open()));
    expect(a).toMatchObject({ state: 'ready', role: 'leader', storage: 'opfs' });
    for (const r of b) expect(r).toEqual<OpenResult>({ state: 'ready', role: 'follower', storage: 'opfs', clientId: a.clientId });
    expect(g.leaderships).toBe(1);
  });

  it('four tabs writing at once: every tab lists every note and hears of every one', async () => {
    const g = await group();
    const tabs = [await g.open()];
    await tabs[0]!.api.open();
    tabs.push(...(await Promise.all([g.open(), g.open(), g.open()])));
    await Promise.all(tabs.map((t) => t.api.open()));
    await Promise.all(tabs.map(listen));

    const made = await Promise.all(tabs.flatMap((t, i) => Array.from({ length: 10 }, (_, k) => newNote(t.api, `tab${i} note${k}`))));
    const ids = made.map((n) => n.id);
    for (const t of tabs) {
      expect(titles(await t.api.listNotes())).toHaveLength(40);
      await vi.waitFor(() => expect([...t.heard].sort()).toEqual([...ids].sort()));
    }
    expect(count(g.db, 'SELECT count(*) FROM notes')).toBe(40);
  });

  it('a follower sees the leader tab’s edits and deletes, and the other way round', async () => {
    const g = await group();
    const leader = await g.open();
    await leader.api.open();
    const follower = await g.open();
    await follower.api.open();
    await listen(follower);
    await listen(leader);

    const note = await newNote(leader.api, 'shared');
    await vi.waitFor(() => expect(follower.heard.has(note.id)).toBe(true));
    follower.heard.clear();
    await leader.api.updateNote(note.id, { body: 'edited in the leader tab' }, { actionId: uuidv7() });
    await vi.waitFor(() => expect(follower.heard.has(note.id)).toBe(true));
    expect((await follower.api.getNote(note.id))?.body).toBe('edited in the leader tab');

    leader.heard.clear();
    await follower.api.deleteNote(note.id, { actionId: uuidv7() });
    await vi.waitFor(() => expect(leader.heard.has(note.id)).toBe(true));
    expect(await leader.api.getNote(note.id)).toBeNull();
  });

  it('errors reach the follower by name, with the leader’s message', async () => {
    const g = await group();
    await (await g.open()).api.open();
    const follower = await g.open();
    await follower.api.open();
    const e = await follower.api.updateNote(uuidv7(), { title: 'x' }).catch((err: unknown) => err as Error);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe('NotFoundError');
    const bad = await follower.api.getNote('not a uuid').catch((err: unknown) => err as Error);
    expect((bad as Error).name).toBe('ValidationError');
    const unknownMethod = (follower.api as unknown as Record<string, () => Promise<unknown>>)['dropEverything']!;
    await expect(unknownMethod()).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('status subscribers in every tab hear the leader’s sync status', async () => {
    const g = await group();
    await (await g.open()).api.open();
    const follower = await g.open();
    await follower.api.open();
    const statuses: SyncStatus[] = [];
    await follower.api.subscribeStatus((s) => statuses.push(s));
    expect(statuses.at(-1)).toMatchObject({ state: 'local-only', pendingCount: 0 });
    await newNote(follower.api, 'pending one');
    await vi.waitFor(() => expect(statuses.at(-1)?.pendingCount).toBe(1));
  });
});

describe('handoff', () => {
  it('the leader closing: the next tab opens the database, and the others keep working', async () => {
    const g = await group();
    const first = await g.open();
    await first.api.open();
    const b = await g.open();
    const c = await g.open();
    await Promise.all([b.api.open(), c.api.open()]);
    await newNote(first.api, 'before');
    await listen(c);

    first.node.stop();
    const made = await Promise.all([newNote(b.api, 'from b'), newNote(c.api, 'from c')]);
    expect(g.leaderships).toBe(2);
    expect([b.node.role, c.node.role].sort()).toEqual(['follower', 'leader']);
    expect(titles(await c.api.listNotes())).toEqual(['before', 'from b', 'from c']);
    await vi.waitFor(() => expect(c.heard.has(made[0].id)).toBe(true));

    // A tab opened afterwards sees everything.
    const late = await g.open();
    expect(await late.api.open()).toMatchObject({ state: 'ready', role: 'follower' });
    expect(titles(await late.api.listNotes())).toEqual(['before', 'from b', 'from c']);
  });

  it('a write the old leader committed but never answered is applied once, wherever it is re-sent', async () => {
    for (const writer of ['next leader', 'other follower'] as const) {
      const g = await group();
      // The first leader commits each forwarded create, then its tab closes before it can answer.
      const first = await g.open({
        wrapApi: (api, node) => ({
          ...api,
          createNote: async (fields, options) => {
            await api.createNote(fields, options);
            node().stop();
            return never;
          },
        }),
      });
      await first.api.open();
      const next = await g.open();
      const other = await g.open();
      await Promise.all([next.api.open(), other.api.open()]);
      await listen(other);

      const from = writer === 'next leader' ? next : other;
      const note = await newNote(from.api, `committed once (${writer})`);
      expect(note.title).toBe(`committed once (${writer})`);
      expect(count(g.db, 'SELECT count(*) FROM notes')).toBe(1);
      expect(count(g.db, "SELECT count(*) FROM actions WHERE type = 'create'")).toBe(1);
      // The other tabs still hear of it: the new leader tells every tab to re-read after a takeover.
      await vi.waitFor(() => expect(other.heard.has(note.id)).toBe(true));
    }
  });

  it('tabs writing while the leader closes: nothing lost, nothing doubled', async () => {
    const g = await group();
    // The leader's tab closes right after committing the 10th note, with other calls in flight.
    let served = 0;
    const tabs = [
      await g.open({
        wrapApi: (api, node) => ({
          ...api,
          createNote: async (fields, options) => {
            const note = await api.createNote(fields, options);
            if (++served === 10) node().stop();
            return note;
          },
        }),
      }),
    ];
    await tabs[0]!.api.open();
    tabs.push(...(await Promise.all([g.open(), g.open(), g.open()])));
    await Promise.all(tabs.map((t) => t.api.open()));

    const followers = tabs.slice(1);
    const writes = followers.map(async (t, i) => {
      const done: Note[] = [];
      for (let k = 0; k < 15; k++) done.push(await newNote(t.api, `f${i}-${k}`));
      return done;
    });
    const written = (await Promise.all(writes)).flat();

    expect(served).toBeGreaterThanOrEqual(10);
    expect(written).toHaveLength(45);
    const listed = await followers[0]!.api.listNotes();
    expect(listed).toHaveLength(45);
    for (const n of written) expect(listed.filter((l) => l.id === n.id)).toHaveLength(1);
    expect(count(g.db, "SELECT count(*) FROM actions WHERE type = 'create'")).toBe(45);
    expect(g.leaderships).toBe(2);
  });

  it('a stale announcement from a leader that has gone cannot strand a follower', async () => {
    const g = await group();
    await (await g.open()).api.open();
    const follower = await g.open();
    await follower.api.open();
    const ghost = new BroadcastChannel(g.channelName);
    extraChannels.push(ghost);
    ghost.postMessage({ type: 'leader', leaderId: 'gone-tab', info: { storage: 'opfs', clientId: 'x' } });
    await new Promise((r) => setTimeout(r, 20));
    // Sent to the ghost first; asking again finds the live leader, which answers.
    const note = await newNote(follower.api, 'after a ghost');
    expect(note.title).toBe('after a ghost');
  });
});

describe('when no leader answers', () => {
  it('open() says locked while the lock is held by a tab that does not answer, then opens once it is free', async () => {
    const g = await group({ waitForLeaderMs: 100 });
    let release = (): void => undefined;
    void g.locks.request(OWNER_LOCK, () => new Promise<void>((r) => (release = r)));
    const tab = await g.open();
    expect(await tab.api.open()).toMatchObject({ state: 'locked' });
    release();
    expect(await tab.api.open()).toMatchObject({ state: 'ready', role: 'leader' });
    expect(titles(await tab.api.listNotes())).toEqual([]);
  });

  it('a tab slow to open the database itself does not say another tab holds it', async () => {
    const g = await group({ waitForLeaderMs: 50 });
    const slow = await g.open({ openingMs: 300 });
    expect(await slow.api.open()).toMatchObject({ state: 'ready', role: 'leader' });
  });

  it('a leader that cannot open the notes says why in every tab', async () => {
    const g = await group();
    const broken = await g.open({ failOpen: Object.assign(new Error('the database file is damaged'), { name: 'Error' }) });
    await expect(broken.api.open()).rejects.toThrow('the database file is damaged');
    const other = await g.open();
    await expect(other.api.open()).rejects.toThrow('the database file is damaged');
    await expect(other.api.listNotes()).rejects.toThrow('the database file is damaged');
  });
});
