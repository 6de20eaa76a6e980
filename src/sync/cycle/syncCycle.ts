// One sync cycle (DESIGN.md section 5) as plain orchestration over injected effects: a store (the
// worker's SQLite) and a transport (HTTP). Nothing here touches a clock, a timer or the network.
//
// Invariants:
// - Upload before download, oldest pending first, in chunks bounded by count and bytes.
// - A pulled page is applied, the cursor advanced and own actions acknowledged atomically
//   (store.applyPage is one transaction), so a crash between pages loses or repeats nothing: the next
//   cycle re-pulls from the stored cursor and the log dedupes by action id.
// - At most one page is fetched ahead (while the one before it is applied), and it is applied only
//   from the cursor it was asked for: the order pages are applied in is the cursor's.
// - Pending work is never dropped: an action the server rejects is quarantined (kept, shown, skipped);
//   a reset server (new epoch, or cursor beyond head) makes every own action pending again and the
//   cursor restart from 0; an auth failure stops the cycle with everything still pending; a push
//   refused for a limit (storage full, rate, busy) stays pending, the pull still runs (other
//   devices' changes arrive), and the cycle then fails with the refusal so it retries later.

import type { Action } from '../action';
import { LIMITS, type PullResponse } from '../protocol';
import { SyncError, type Transport } from './transport';

export interface SyncStore {
  /** Own actions not yet acknowledged nor quarantined, oldest first. */
  pendingActions(limit: number): Promise<Action[]>;
  /** Acknowledge actions the server answered for (accepted or duplicate). */
  markAcknowledged(ids: readonly string[]): Promise<void>;
  /** The stored pull position; epoch null before the first pull. */
  syncState(): Promise<{ cursor: number; epoch: string | null }>;
  /** In ONE transaction: merge the page, acknowledge own actions in it, set cursor and epoch,
   *  fold serverTime into the clock. Returns how many visible entities changed. */
  applyPage(page: PullResponse): Promise<{ changed: number }>;
  quarantine(actionId: string, reason: string): Promise<void>;
  /** The server lost its data: make every own action pending again and restart the cursor at 0. */
  resetForNewEpoch(epoch: string): Promise<void>;
  /** Our clock ran ahead of the server's: re-stamp pending actions from the server's time. */
  restampPending(serverTime: number): Promise<void>;
  /**
   * After a complete pull: snapshot entities with many actions since their last snapshot and
   * nothing pending (DESIGN.md section 5, step 4), at most a slice of them at a time. Returns how
   * many snapshots it queued.
   */
  compact?(): Promise<number>;
  /** More entities are due a snapshot than the last compaction took (the next cycle takes them). */
  compactionDue?(): boolean;
}

export interface SyncCycleOptions {
  readonly pushChunk?: number;
  readonly pushMaxBytes?: number;
  readonly pullLimit?: number;
  /** Guards against a server that keeps resetting: after this many restarts the cycle fails. */
  readonly maxRestarts?: number;
}

export interface CycleResult {
  readonly pushed: number;
  readonly pulled: number;
  readonly changed: number;
  readonly quarantined: number;
  readonly head: number;
  /** Snapshots are still due after this cycle's slice: run another cycle for the next. */
  readonly compactionDue: boolean;
}

// Pull pages as large as the server serves (its byte budget still bounds them): a bootstrap of
// 10,000 snapshots is then 10 round trips and commits, not 20.
const DEFAULTS = { pushChunk: 200, pushMaxBytes: 2 * 1024 * 1024, pullLimit: LIMITS.maxPullLimit as number, maxRestarts: 3 };

export async function runSyncCycle(
  clientId: string,
  store: SyncStore,
  transport: Transport,
  options: SyncCycleOptions = {},
): Promise<CycleResult> {
  const o = { ...DEFAULTS, ...options };
  const total = { pushed: 0, pulled: 0, changed: 0, quarantined: 0, head: 0, compactionDue: false };
  for (let restarts = 0; ; restarts++) {
    const refused = await pushAll(clientId, store, transport, o, total);
    const outcome = await pullAll(store, transport, o.pullLimit, total);
    if (outcome === 'done') {
      // Snapshots go up at once; the next pull brings them back (and with them the pruning). Not
      // while the server refuses this account's pushes (a limit): they would wait like the rest.
      // A catch-up's snapshots go a slice a cycle (compactionDue): the cycle, and with it "Synced",
      // ends once the pull is in, not once thousands of snapshots are made and uploaded.
      if (!refused && store.compact && (await store.compact()) > 0) {
        const again = await pushAll(clientId, store, transport, o, total);
        if (again) throw again;
      }
      if (refused) throw refused;
      total.compactionDue = store.compactionDue?.() ?? false;
      return total;
    }
    if (restarts >= o.maxRestarts) throw new SyncError('server', 'The server keeps resetting its data; sync stopped');
  }
}

async function pushAll(
  clientId: string,
  store: SyncStore,
  transport: Transport,
  o: typeof DEFAULTS,
  total: { pushed: number; quarantined: number; head: number },
): Promise<SyncError | null> {
  let restamped = false;
  for (;;) {
    const batch = fitBytes(await store.pendingActions(o.pushChunk), o.pushMaxBytes);
    if (batch.length === 0) return null;
    try {
      const res = await transport.push(clientId, batch);
      await store.markAcknowledged([...res.accepted, ...res.duplicates]);
      total.pushed += res.accepted.length;
      total.head = Math.max(total.head, res.head);
    } catch (e) {
      if (!(e instanceof SyncError)) throw e;
      if (e.kind === 'invalid_action' && e.details.actionId && batch.some((a) => a.id === e.details.actionId)) {
        await store.quarantine(e.details.actionId, e.message);
        total.quarantined++;
      } else if (e.kind === 'clock_ahead' && e.details.serverTime !== undefined && !restamped) {
        await store.restampPending(e.details.serverTime);
        restamped = true;
      } else if (e.kind === 'refused') {
        return e;
      } else {
        throw e;
      }
    }
  }
}

/** Keep a prefix of the batch under the byte budget (always at least one action). */
function fitBytes(batch: Action[], maxBytes: number): Action[] {
  let bytes = 0;
  for (let i = 0; i < batch.length; i++) {
    bytes += JSON.stringify(batch[i]).length;
    if (bytes > maxBytes && i > 0) return batch.slice(0, i);
  }
  return batch;
}

async function pullAll(
  store: SyncStore,
  transport: Transport,
  limit: number,
  total: { pulled: number; changed: number; head: number },
): Promise<'done' | 'restart'> {
  // The next page is asked for while this one is applied, so the server's and the network's time
  // overlap the device's. It is used only if it starts where the applied page left the cursor;
  // else (or after an error) it is dropped, and nothing of it was applied.
  let ahead: { readonly cursor: number; readonly page: Promise<PullResponse> } | null = null;
  for (;;) {
    const { cursor, epoch } = await store.syncState();
    const page: PullResponse = await (ahead?.cursor === cursor ? ahead.page : transport.pull(cursor, limit));
    ahead = null;
    if ((epoch !== null && page.epoch !== epoch) || page.head < cursor) {
      await store.resetForNewEpoch(page.epoch);
      return 'restart';
    }
    if (page.hasMore) {
      ahead = { cursor: page.cursor, page: transport.pull(page.cursor, limit) };
      ahead.page.catch(() => undefined); // its failure is met when it is awaited, or never
    }
    const { changed } = await store.applyPage(page);
    total.pulled += page.actions.length;
    total.changed += changed;
    total.head = page.head;
    if (!page.hasMore) return 'done';
  }
}
