// The sync engine and the account API as the page sees them (SyncService over NotesService), on a
// real database and the real server in-process, with the network, timers and live stream injected:
// which status the user is shown when, and what survives sign-out, expiry and outages.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { Store } from '../../../src/worker/store/store';
import { hashToken } from '../../../src/server/auth';
import type { TestServer } from '../../../src/server/testing';
import type { ChangeEvent } from '../../../src/worker/api';
import { readSession } from '../../../src/worker/sync/account';
import type { Db } from '../../../src/worker/db/sql';
import { T0 } from '../syncHelpers';
import { actionsOf, makeDevice, PASSWORD, startServer, type Device } from './devices';

let server: TestServer;
afterEach(async () => server?.close());

async function start(): Promise<void> {
  server = await startServer();
}

const device = (db?: Db): Promise<Device> => makeDevice(server, db);
const logOf = (username: string): Promise<number> => actionsOf(server, username);

describe('sync status and accounts', () => {
  it('signed out: local only; notes written before signing up are kept and uploaded after', async () => {
    await start();
    const d = await device();
    expect(d.statuses.at(-1)).toMatchObject({ state: 'local-only', account: null, boundUsername: null, sessionExpired: false, pendingCount: 0 });
    await d.notes.createNote({ title: 'written offline, signed out' });
    await d.notes.createNote({ title: 'another' });
    expect(d.statuses.at(-1)).toMatchObject({ state: 'local-only', pendingCount: 2 });

    const afterRegister = await d.sync.register('alice', PASSWORD);
    expect(afterRegister).toMatchObject({ state: 'syncing', account: { username: 'alice' }, boundUsername: 'alice' });
    const s = await d.settle();
    expect(s).toMatchObject({ state: 'synced', pendingCount: 0, error: null });
    expect(s.lastSyncedAt).toBe(T0);
    expect(d.statuses.map((x) => x.state)).toEqual(expect.arrayContaining(['local-only', 'syncing', 'synced']));
    expect(await logOf('alice')).toBe(2);
  });

  it('network down: offline (not error) with the changes counted; back online: synced', async () => {
    await start();
    const d = await device();
    await d.sync.register('alice', PASSWORD);
    await d.settle();

    d.net.down = true;
    await d.notes.createNote({ title: 'on the train' });
    d.timers.advance(300); // the write debounce
    expect(await d.settle()).toMatchObject({ state: 'offline', error: null, pendingCount: 1 });
    // A retry is scheduled with backoff (1 s cap for the first, jittered: random 0.5 -> 750 ms).
    expect(d.timers.pending()).toContain(750);

    d.net.down = false;
    await d.sync.syncNow('online');
    expect(await d.settle()).toMatchObject({ state: 'synced', pendingCount: 0 });

    d.goOnline(false);
    expect(d.statuses.at(-1)?.state).toBe('offline');
    d.goOnline(true);
    expect(await d.settle()).toMatchObject({ state: 'synced' });

    // The page hears the browser go offline even when the worker does not: its hint is enough.
    await d.sync.syncNow('offline');
    expect(d.statuses.at(-1)?.state).toBe('offline');
    await d.sync.syncNow('online');
    expect(await d.settle()).toMatchObject({ state: 'synced' });
  });

  it('a failing server: error with the reason, retried with backoff until it works', async () => {
    await start();
    const d = await device();
    await d.sync.register('alice', PASSWORD);
    await d.settle();
    d.net.failWith = 500;
    await d.sync.syncNow('manual');
    const failed = await d.settle();
    expect(failed.state).toBe('error');
    expect(failed.error).toMatch(/server could not sync.*database unavailable/);
    expect(d.timers.pending()[0]).toBe(750);
    d.timers.advance(750);
    expect((await d.settle()).state).toBe('error');
    expect(d.timers.pending()[0]).toBe(1500);

    d.net.failWith = null;
    d.timers.advance(1500);
    expect(await d.settle()).toMatchObject({ state: 'synced', error: null });
  });

  it('an expired session (401): signed out with sessionExpired, local data and pending changes kept', async () => {
    await start();
    const d = await device();
    await d.sync.register('alice', PASSWORD);
    await d.settle();
    const n = await d.notes.createNote({ title: 'not yet uploaded' });
    const token = readSession(d.db)!.token;
    await server.store.deleteToken(hashToken(token)); // the server ended the session

    d.timers.advance(300);
    const s = await d.settle();
    expect(s).toMatchObject({ state: 'local-only', account: null, boundUsername: 'alice', sessionExpired: true, pendingCount: 1 });
    expect(readSession(d.db)).toBeNull();
    expect((await d.notes.getNote(n.id))?.title).toBe('not yet uploaded');
    expect(d.sources.at(-1)?.closed).toBe(true);
    expect(d.timers.pending()).toEqual([]); // nothing retries until the user signs in

    const back = await d.sync.signIn('alice', PASSWORD);
    expect(back).toMatchObject({ sessionExpired: false, account: { username: 'alice' } });
    expect(await d.settle()).toMatchObject({ state: 'synced', pendingCount: 0 });
    expect(await logOf('alice')).toBe(1);
  });

  it('the device belongs to the first account that signs in on it', async () => {
    await start();
    await server.register('bob', PASSWORD);
    const d = await device();
    await d.notes.createNote({ title: "alice's" });
    await d.sync.register('alice', PASSWORD);
    await d.settle();
    await d.sync.signOut();

    await expect(d.sync.signIn('bob', PASSWORD)).rejects.toMatchObject({ name: 'AccountMismatchError', message: expect.stringContaining('"alice"') });
    await expect(d.sync.register('carol', PASSWORD)).rejects.toMatchObject({ name: 'AccountMismatchError' });
    expect(await d.sync.getSyncStatus()).toMatchObject({ state: 'local-only', account: null, boundUsername: 'alice' });
    // The same account, spelled differently, is the same account.
    await d.sync.signIn('ALICE', PASSWORD);
    expect(await d.settle()).toMatchObject({ state: 'synced', account: { username: 'alice' } });
  });

  it('sign out: local only, everything kept, the token revoked on the server', async () => {
    await start();
    const d = await device();
    await d.sync.register('alice', PASSWORD);
    await d.settle();
    const token = readSession(d.db)!.token;
    d.net.down = true;
    await d.notes.createNote({ title: 'kept' });

    d.net.down = false;
    const s = await d.sync.signOut();
    expect(s).toMatchObject({ state: 'local-only', account: null, sessionExpired: false, boundUsername: 'alice', pendingCount: 1 });
    expect((await d.notes.listNotes()).map((x) => x.title)).toEqual(['kept']);
    await new Promise((r) => setTimeout(r, 20)); // the best-effort logout runs in the background
    const me = await server.fetch('/api/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    d.timers.advance(60_000);
    expect((await d.settle()).state).toBe('local-only');
  });

  it('auth failures say what went wrong: wrong password, unreachable server, invalid username', async () => {
    await start();
    await server.register('alice', PASSWORD);
    const d = await device();
    await expect(d.sync.signIn('alice', 'wrong password!')).rejects.toMatchObject({ name: 'AuthError', message: 'Wrong username or password.' });
    await expect(d.sync.register('alice', PASSWORD)).rejects.toMatchObject({ name: 'AuthError', message: expect.stringMatching(/taken/) });
    const calls = d.net.calls;
    await expect(d.sync.signIn('a', PASSWORD)).rejects.toMatchObject({ name: 'AuthError', message: expect.stringMatching(/at least 3/) });
    expect(d.net.calls).toBe(calls);
    d.net.down = true;
    await expect(d.sync.signIn('alice', PASSWORD)).rejects.toMatchObject({ name: 'NetworkError' });
    expect(await d.sync.getSyncStatus()).toMatchObject({ state: 'local-only', boundUsername: null });
  });

  it('live: a head event from the server pulls at once and tells the pages', async () => {
    await start();
    const a = await device();
    const b = await device();
    await a.sync.register('alice', PASSWORD);
    await a.settle();
    await b.sync.signIn('alice', PASSWORD);
    await b.settle();
    expect(a.sources.at(-1)?.token).toBe(readSession(a.db)?.token);
    const events: ChangeEvent[] = [];
    await a.notes.subscribe((e) => events.push(e));

    const n = await b.notes.createNote({ title: 'from B' });
    b.timers.advance(300);
    await b.settle();
    a.sources.at(-1)!.head(1);
    await a.settle();
    expect(events).toEqual([{ entityIds: [n.id] }]);
    expect((await a.notes.listNotes()).map((x) => x.title)).toEqual(['from B']);

    // A stream the server closed is opened again after the next good sync.
    const first = a.sources.at(-1)!;
    first.lose(true);
    await a.sync.syncNow('focus');
    await a.settle();
    expect(a.sources.at(-1)).not.toBe(first);
    expect(a.sources.at(-1)?.closed).toBe(false);
  });

  it('syncs every 30 s while signed in, and resumes a stored session after a reload', async () => {
    await start();
    const d = await device();
    await d.sync.register('alice', PASSWORD);
    await d.settle();
    const calls = d.net.calls;
    const seen = d.statuses.length;
    d.timers.advance(30_000);
    await d.settle();
    expect(d.net.calls).toBeGreaterThan(calls);
    // A background cycle with nothing to upload does not flash "Syncing".
    expect(d.statuses.slice(seen).map((s) => s.state)).not.toContain('syncing');

    const reloaded = await device(d.db);
    expect(await reloaded.settle()).toMatchObject({ state: 'synced', account: { username: 'alice' } });
  });

  it('checkpoints the WAL before each cycle, never while applying pulled pages', async () => {
    await start();
    const b = await device();
    await b.sync.register('alice', PASSWORD);
    await b.settle();
    for (let i = 0; i < 5; i++) await b.notes.createNote({ title: `from B ${i}` });
    await b.sync.syncNow('manual');
    await b.settle();

    const a = await device();
    const checkpoint = vi.spyOn(Store.prototype, 'checkpoint');
    const applied: number[] = [];
    const applyRemote = Store.prototype.applyRemote;
    const pages = vi.spyOn(Store.prototype, 'applyRemote').mockImplementation(function (this: Store, ...args) {
      applied.push(checkpoint.mock.calls.length);
      return applyRemote.apply(this, args);
    });
    try {
      await a.sync.signIn('alice', PASSWORD);
      await a.settle();
      expect((await a.notes.listNotes()).length).toBe(5);
      // One checkpoint, at the cycle's start: the pulled pages committed after it, none between them.
      expect(checkpoint).toHaveBeenCalledTimes(1);
      expect(applied.length).toBeGreaterThan(0);
      expect(new Set(applied)).toEqual(new Set([1]));
      await a.sync.syncNow('manual');
      await a.settle();
      expect(checkpoint).toHaveBeenCalledTimes(2);
    } finally {
      checkpoint.mockRestore();
      pages.mockRestore();
    }
  });

  it('a catch-up says Synced once the pull is in, then snapshots a slice a cycle until none are due', async () => {
    await start();
    const author = await device();
    await author.sync.register('alice', PASSWORD);
    for (let i = 0; i < 7; i++) {
      const { id } = await author.notes.createNote({ title: `Note ${i}`, body: '' });
      await author.notes.updateNote(id, { title: `Note ${i} again` });
    }
    author.timers.advance(300);
    expect(await author.settle()).toMatchObject({ state: 'synced', pendingCount: 0 });

    const fresh = await makeDevice(server, undefined, { catchUpActions: 10, compactionSlice: 3 });
    const snapshots = () => Number(fresh.db.selectValue(`SELECT count(*) FROM actions WHERE type = 'snapshot'`));
    let atFirstSynced: number | null = null;
    await fresh.sync.subscribeStatus((s) => {
      if (s.state === 'synced' && atFirstSynced === null) atFirstSynced = snapshots();
    });
    await fresh.sync.signIn('alice', PASSWORD);
    expect(await fresh.settle()).toMatchObject({ state: 'synced', pendingCount: 0 });
    expect(atFirstSynced).toBe(0); // the cycle that caught up ends with the pull; the next ones snapshot, 3 a cycle
    expect(snapshots()).toBe(7);
    const notes = await fresh.notes.listNotes();
    expect(notes.map((n) => n.title).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `Note ${i} again`));
    expect(await logOf('alice')).toBe(7); // a snapshot per note stands for its two actions on the server
  });
});
