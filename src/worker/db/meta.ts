// The database's own small facts, in the `meta` key/value table: who this device is, its clock,
// and where sync stands. They live in the database, not in memory, so they commit and roll back
// with the writes they belong to.

import { formatHlc, initialHlc, maxHlc, parseHlc, type Hlc } from '../../sync/hlc';
import { run, selectRow, text, type Db } from './sql';

export const metaKeys = {
  clientId: 'client_id',
  hlc: 'hlc',
  syncCursor: 'sync_cursor',
  syncEpoch: 'sync_epoch',
  clockOffset: 'clock_offset_ms',
  lastSyncedAt: 'last_synced_at',
  /** Snapshots are still due from a compaction that found more than a slice: the threshold it used. */
  compactionBacklog: 'compaction_backlog_threshold',
} as const;

export function getMeta(db: Db, key: string): string | undefined {
  const row = selectRow(db, 'SELECT value FROM meta WHERE key = ?', [key]);
  return row ? text(row, 'value') : undefined;
}

export function setMeta(db: Db, key: string, value: string): void {
  run(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
}

/** This database's client id: made once (UUIDv7), then kept for the life of the database. */
export function ensureClientId(db: Db, newId: () => string): string {
  db.exec({ sql: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', bind: [metaKeys.clientId, newId()] });
  const id = getMeta(db, metaKeys.clientId);
  if (id === undefined) throw new Error('client id missing after insert');
  return id;
}

/**
 * The clock: the greater of the one kept in meta and the stamp of the last action logged. A local
 * write logs its stamp and need not also rewrite meta (a B-tree page less per commit); whatever
 * logs after it (a pulled page, a snapshot, re-stamping) reads this and writes meta itself.
 */
export function readClock(db: Db, clientId: string): Hlc {
  return readClockAndOffset(db, clientId).clock;
}

/**
 * The clock (as readClock) and the server clock offset (as getClockOffset), read by one statement:
 * a local write needs both, and each statement run costs more than the lookups it does.
 */
export function readClockAndOffset(db: Db, clientId: string): { readonly clock: Hlc; readonly offsetMs: number } {
  const row = selectRow(
    db,
    `SELECT (SELECT value FROM meta WHERE key = ?) AS kept,
            (SELECT hlc FROM actions ORDER BY local_seq DESC LIMIT 1) AS logged,
            (SELECT value FROM meta WHERE key = ?) AS offset`,
    [metaKeys.hlc, metaKeys.clockOffset],
  );
  const s = row?.['kept'];
  const kept = typeof s === 'string' ? { ...parseHlc(s), node: clientId } : initialHlc(clientId);
  const logged = row?.['logged'];
  const clock = typeof logged === 'string' ? maxHlc(kept, parseHlc(logged)) : kept;
  return { clock, offsetMs: offsetOf(row?.['offset']) };
}

function offsetOf(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}

export function writeClock(db: Db, hlc: Hlc): void {
  setMeta(db, metaKeys.hlc, formatHlc(hlc));
}

/** The last server seq this device has applied (0 before the first pull). */
export function getSyncCursor(db: Db): number {
  const s = getMeta(db, metaKeys.syncCursor);
  return s === undefined ? 0 : Number(s);
}

export function setSyncCursor(db: Db, cursor: number): void {
  if (!Number.isSafeInteger(cursor) || cursor < 0) throw new RangeError(`bad sync cursor ${cursor}`);
  setMeta(db, metaKeys.syncCursor, String(cursor));
}

/** The server database this device last synced with; a change means the backend was reset. */
export function getSyncEpoch(db: Db): string | undefined {
  return getMeta(db, metaKeys.syncEpoch);
}

export function setSyncEpoch(db: Db, epoch: string): void {
  setMeta(db, metaKeys.syncEpoch, epoch);
}

/**
 * How far the server's clock is ahead of this device's (ms, negative when behind), measured at the
 * last pull. Stamps are taken on the corrected clock (now + offset), so devices whose clocks are
 * minutes apart still stamp in the server's time and the server never refuses them as too far ahead.
 */
export function getClockOffset(db: Db): number {
  return offsetOf(getMeta(db, metaKeys.clockOffset));
}

export function setClockOffset(db: Db, offsetMs: number): void {
  if (!Number.isFinite(offsetMs)) throw new RangeError(`bad clock offset ${offsetMs}`);
  setMeta(db, metaKeys.clockOffset, String(Math.round(offsetMs)));
}

/** When the last sync cycle finished without error (device wall time), or null before the first. */
export function getLastSyncedAt(db: Db): number | null {
  const s = getMeta(db, metaKeys.lastSyncedAt);
  return s === undefined ? null : Number(s);
}

export function setLastSyncedAt(db: Db, at: number): void {
  setMeta(db, metaKeys.lastSyncedAt, String(at));
}

export function deleteMeta(db: Db, key: string): void {
  run(db, 'DELETE FROM meta WHERE key = ?', [key]);
}
