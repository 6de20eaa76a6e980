// The account controls as the page calls them, and what the other devices of the account see:
// change password (the others are signed out, their notes stay), sign out everywhere, delete
// account (every device keeps its notes, local only, and may sign in to a new account with them);
// and a push the server refuses for a limit stays pending, with the reason in the status.

import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../../../src/server/testing';
import { TrashService } from '../../../src/worker/notes/trash';
import { readSession } from '../../../src/worker/sync/account';
import { actionsOf, makeDevice, PASSWORD, startServer, type Device } from './devices';

let server: TestServer;
afterEach(async () => server?.close());

/** Two devices signed in to one account, both synced, each with a note of its own. */
async function twoDevices(): Promise<[Device, Device]> {
  server = await startServer();
  const a = await makeDevice(server);
  const b = await makeDevice(server);
  await a.notes.createNote({ title: 'from A' });
  await a.sync.register('alice', PASSWORD);
  await a.settle();
  await b.notes.createNote({ title: 'from B' });
  await b.sync.signIn('alice', PASSWORD);
  await b.settle();
  await a.sync.syncNow('manual');
  await a.settle();
  return [a, b];
}

const titles = async (d: Device) => (await d.notes.listNotes()).map((n) => n.title).sort();

describe('account controls', () => {
  it('change password: this device stays signed in; the other is signed out when its stream ends, and keeps its notes', async () => {
    const [a, b] = await twoDevices();
    await expect(a.sync.changePassword('not the password', 'a new password')).rejects.toMatchObject({ name: 'AuthError', message: 'That password is not right.' });
    await expect(a.sync.changePassword(PASSWORD, 'short')).rejects.toMatchObject({ name: 'AuthError', message: expect.stringMatching(/new password.*8/) });
    expect(await a.sync.changePassword(PASSWORD, 'a new password')).toMatchObject({ account: { username: 'alice' } });
    await a.notes.createNote({ title: 'after the change' });
    a.timers.advance(300);
    expect(await a.settle()).toMatchObject({ state: 'synced', pendingCount: 0 });

    // The server ended B's stream with its session: B finds out at once.
    b.sources.at(-1)!.lose(false);
    expect(await b.settle()).toMatchObject({ state: 'local-only', account: null, sessionExpired: true, boundUsername: 'alice' });
    expect(await titles(b)).toEqual(['from A', 'from B']);
    await expect(b.sync.signIn('alice', PASSWORD)).rejects.toMatchObject({ name: 'AuthError' });
    await b.sync.signIn('alice', 'a new password');
    expect(await b.settle()).toMatchObject({ state: 'synced' });
    expect(await titles(b)).toEqual(['after the change', 'from A', 'from B']);
  });

  it('sign out everywhere: every device is signed out, this one at once, and keeps its notes', async () => {
    const [a, b] = await twoDevices();
    expect(await a.sync.signOutEverywhere()).toMatchObject({ state: 'local-only', account: null, sessionExpired: false, boundUsername: 'alice' });
    expect(readSession(a.db)).toBeNull();
    b.sources.at(-1)!.lose(true);
    expect(await b.settle()).toMatchObject({ state: 'local-only', sessionExpired: true });
    expect(await titles(a)).toEqual(['from A', 'from B']);
    expect(await titles(b)).toEqual(['from A', 'from B']);
  });

  it('delete account: erased on the server; every device keeps its notes, local only, and may take them to a new account', async () => {
    const [a, b] = await twoDevices();
    // A note B wrote and put in the Trash, which A has pulled.
    const trashed = await b.notes.createNote({ title: 'trashed on B' });
    await b.notes.deleteNote(trashed.id);
    b.timers.advance(300);
    await b.settle();
    await a.sync.syncNow('manual');
    await a.settle();
    await expect(a.sync.deleteAccount('not the password')).rejects.toMatchObject({ name: 'AuthError', message: 'That password is not right.' });
    expect(await actionsOf(server, 'alice')).toBe(4);

    const after = await a.sync.deleteAccount(PASSWORD);
    expect(after).toMatchObject({ state: 'local-only', account: null, boundUsername: null, accountDeleted: true, sessionExpired: false });
    expect(await titles(a)).toEqual(['from A', 'from B']);
    const login = await server.fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: PASSWORD }),
    });
    expect(login.status).toBe(401);

    // B hears the account is gone (401 account_deleted), not just that its session ended.
    b.sources.at(-1)!.lose(false);
    expect(await b.settle()).toMatchObject({ state: 'local-only', boundUsername: null, accountDeleted: true, sessionExpired: false });
    expect(await titles(b)).toEqual(['from A', 'from B']);

    // A new account on A: every note A shows goes to it, B's too (written again as A's own), and a
    // note in A's Trash stays in the Trash there.
    await a.sync.register('alice-again', PASSWORD);
    expect(await a.settle()).toMatchObject({ state: 'synced', pendingCount: 0, accountDeleted: false, boundUsername: 'alice-again' });
    const c = await makeDevice(server);
    await c.sync.signIn('alice-again', PASSWORD);
    await c.settle();
    expect(await titles(c)).toEqual(['from A', 'from B']);
    // B, local only now, may sign in to the new account too: its notes merge with A's, no duplicates.
    await b.sync.signIn('alice-again', PASSWORD);
    await b.settle();
    await c.sync.syncNow('manual');
    await c.settle();
    expect(await titles(c)).toEqual(['from A', 'from B']);
    expect((await new TrashService(c.notes).list()).map((n) => n.title)).toEqual(['trashed on B']);
  });

  it('account controls need a session, and say so', async () => {
    server = await startServer();
    const d = await makeDevice(server);
    await expect(d.sync.signOutEverywhere()).rejects.toMatchObject({ name: 'AuthError', message: 'Sign in first.' });
    await expect(d.sync.deleteAccount('')).rejects.toMatchObject({ name: 'AuthError' });
  });
});

describe('pushes refused for a limit', () => {
  it('stay pending with the reason in the status; the pull still runs; once accepted they go', async () => {
    const [a, b] = await twoDevices();
    a.net.answer = (input) =>
      input.includes('/api/sync/push')
        ? new Response(JSON.stringify({ error: { code: 'storage_full', message: "the server's storage for this account is full" } }), { status: 403 })
        : null;
    await a.notes.createNote({ title: 'waits for room' });
    await b.notes.createNote({ title: 'from B, later' });
    b.timers.advance(300);
    await b.settle();
    a.timers.advance(300);
    const refused = await a.settle();
    expect(refused).toMatchObject({ state: 'error', errorCode: 'storage_full', pendingCount: 1, quarantined: [] });
    expect(refused.error).toMatch(/stay on this device/);
    // B's note arrived all the same.
    expect(await titles(a)).toContain('from B, later');

    a.net.answer = null;
    a.timers.advance(a.timers.pending()[0]!);
    expect(await a.settle()).toMatchObject({ state: 'synced', pendingCount: 0, errorCode: null });
    expect(await actionsOf(server, 'alice')).toBe(4);
  });
});
