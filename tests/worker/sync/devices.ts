// Devices for the sync engine tests: SyncService over NotesService on a real in-memory database,
// talking to the real server in-process, with the network, timers and live stream injected.

import { createTestServer, type TestServer } from '../../../src/server/testing';
import type { FetchLike } from '../../../src/sync/cycle/transport';
import type { SyncStatus } from '../../../src/worker/api';
import { authClient } from '../../../src/worker/sync/authClient';
import type { LiveEventHandlers, LiveEvents } from '../../../src/worker/sync/liveEvents';
import { NotesService } from '../../../src/worker/notes/notesService';
import type { Db } from '../../../src/worker/db/sql';
import { SyncService } from '../../../src/worker/sync/syncService';
import type { WorkerSyncOptions } from '../../../src/worker/sync/syncStore';
import { idMaker, memoryDb } from '../helpers';
import { manualTimers, T0 } from '../syncHelpers';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/sync/protocol';

export const PASSWORD = 'correct horse battery';

/** A live stream the test speaks for (liveEvents.ts has its own tests against the real server). */
export class FakeLiveEvents implements LiveEvents {
  closed = false;
  constructor(
    readonly token: string,
    private readonly handlers: LiveEventHandlers,
  ) {}
  close(): void {
    this.closed = true;
  }
  head(head: number): void {
    this.handlers.onHead(head);
  }
  lose(refused: boolean): void {
    if (refused) this.closed = true;
    this.handlers.onLost(refused);
  }
}

export interface Network {
  down: boolean;
  /** Every /api/sync/ call answers this status with an 'internal' error. */
  failWith: number | null;
  /** Answers in the server's place when it returns a Response. */
  answer: ((input: string, init?: RequestInit) => Response | null) | null;
  calls: number;
}

export interface Device {
  readonly db: Db;
  readonly notes: NotesService;
  readonly sync: SyncService;
  readonly timers: ReturnType<typeof manualTimers>;
  readonly net: Network;
  readonly sources: FakeLiveEvents[];
  readonly statuses: SyncStatus[];
  goOnline(online: boolean): void;
  settle(): Promise<SyncStatus>;
}

let devices = 0;

export async function startServer(): Promise<TestServer> {
  const server = await createTestServer();
  server.clock.set(T0);
  return server;
}

export async function makeDevice(server: TestServer, db?: Db, compaction?: WorkerSyncOptions): Promise<Device> {
  const database = db ?? (await memoryDb());
  const notes = new NotesService({
    openDatabase: async () => ({ state: 'ready', db: database, storage: 'memory' }),
    now: () => server.clock.now(),
    newId: idMaker(`d${++devices}`.padEnd(8, '0')),
  });
  await notes.open();
  const timers = manualTimers();
  const net: Network = { down: false, failWith: null, answer: null, calls: 0 };
  const fetch: FetchLike = async (input, init) => {
    net.calls++;
    if (net.down) throw new TypeError('Failed to fetch');
    const answer = net.answer?.(input, init);
    if (answer) return answer;
    if (net.failWith !== null && input.includes('/api/sync/')) {
      return new Response(JSON.stringify({ error: { code: 'internal', message: 'database unavailable' } }), { status: net.failWith });
    }
    return server.fetch(input, init);
  };
  const sources: FakeLiveEvents[] = [];
  let online: (online: boolean) => void = () => {};
  const sync = new SyncService(notes, {
    baseUrl: server.baseUrl,
    fetch,
    auth: authClient({ baseUrl: server.baseUrl, fetch }),
    timers,
    random: () => 0.5,
    openEvents: (token, handlers) => {
      const s = new FakeLiveEvents(token, handlers);
      sources.push(s);
      return s;
    },
    onlineEvents: (listener) => (online = listener),
    ...(compaction ? { compaction } : {}),
  });
  const statuses: SyncStatus[] = [];
  await sync.subscribeStatus((s) => statuses.push(s));
  return {
    db: database,
    notes,
    sync,
    timers,
    net,
    sources,
    statuses,
    goOnline: (o) => online(o),
    settle: async () => {
      await (await sync.engine()).idle();
      return sync.getSyncStatus();
    },
  };
}

/** How many actions the server holds for the account. */
export async function actionsOf(server: TestServer, username: string, password = PASSWORD): Promise<number> {
  const res = await server.fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const { token } = (await res.json()) as { token: string };
  const pull = await server.fetch('/api/sync/pull?cursor=0&limit=1000', { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } });
  return ((await pull.json()) as { actions: unknown[] }).actions.length;
}
