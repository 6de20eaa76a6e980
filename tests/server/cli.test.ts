// `npm start` as a user runs it: --help, settings errors, request logs, and a graceful SIGTERM that
// finishes the request in flight.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/auth';
import { settings } from '../../src/server/config';
import { openSqliteStore } from '../../src/server/store/sqlite/sqliteStore';
import { makeActions, sleep } from './helpers';
import { runCli, startServerProcess } from './processes';

describe('the CLI', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-cli-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--help lists every setting and the limits, and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const s of settings) expect(stdout).toContain(s.name);
    for (const word of ['PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'TOKEN_TTL_DAYS', '8787', './data', 'Authorization: Bearer', 'SIGTERM']) {
      expect(stdout).toContain(word);
    }
    expect(stdout).toMatch(/at most 500/);
    expect(stdout).toMatch(/8388608 bytes/);
  });

  it('names a bad setting and exits 2 without starting', async () => {
    const { code, stderr } = await runCli([], { PORT: 'eighty', TOKEN_TTL_DAYS: '0' });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be a whole number');
    expect(stderr).toContain('TOKEN_TTL_DAYS');
  });

  it('on SIGTERM stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    const dataDir = tempDir();
    const server = await startServerProcess({ DATA_DIR: dataDir });
    const register = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sigterm', password: 'long enough password' }),
    });
    const { token } = (await register.json()) as { token: string };
    const clientId = uuidv7();
    const actions = makeActions(clientId, 20);
    const body = Buffer.from(JSON.stringify({ clientId, actions }));

    // A push whose body is still arriving when the signal comes.
    const { port } = new URL(server.url);
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/sync/push',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 100));
    await sleep(300);
    server.proc.kill('SIGTERM');
    await sleep(300);

    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
    req.end(body.subarray(100));
    const res = await response;
    expect(res.status).toBe(200);
    expect((JSON.parse(res.text) as { accepted: string[] }).accepted).toEqual(actions.map((a) => a.id));
    expect(await server.exited).toBe(0);

    // The log: one JSON line per request, no secrets; then the shutdown.
    const lines = server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/api/auth/register', status: 201, ms: expect.any(Number) }),
      expect.objectContaining({ method: 'POST', path: '/api/sync/push', status: 200 }),
    ]);
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    expect(server.output()).not.toContain(token);
    expect(server.output()).not.toContain('long enough password');

    // What the server acknowledged is on disk.
    const store = openSqliteStore({ path: path.join(dataDir, 'notes.sqlite') });
    try {
      const session = await store.findToken(hashToken(token), Date.now());
      expect((await store.pull(session!.spaceId, 0, 100)).actions.map((a) => a.id)).toEqual(actions.map((a) => a.id));
    } finally {
      await store.close();
    }
  });
});
