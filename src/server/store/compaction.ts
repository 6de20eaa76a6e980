// Compaction (DESIGN.md section 4): what both stores share. The SQL is in sqliteCompaction.ts and
// postgresCompaction.ts, and runs inside the push transaction that brings the snapshot, under the
// space's lock, so it commits with the snapshot or not at all.
//
// Invariants:
// - Covered = a row of entity E (space, collection, entityId) whose seq <= basis of a snapshot of E
//   stored later. The snapshot's maker had pulled up to basis, so every covered row is in its state.
// - Never a row with seq > basis: a late action for E (pushed while, or after, the snapshot was
//   made) stays served whatever the timing, and a snapshot from a stale cursor covers only what its
//   maker had. A newer snapshot covers an older one (its seq <= the newer basis) like any row.
// - A snapshot's own seq > head at its push >= basis >= the seq of everything it covers (a basis
//   beyond head is refused), so a device at any cursor catches up by pulling seq > cursor: every
//   covered row after its cursor is folded into a snapshot after it too. No special path.
// - Covered rows are never served; they are deleted once covered longer than the retention window
//   (0: in the covering transaction). Seq has gaps from then on; pull cursors step over them.
// - The server reads only ids, types, entity ids and seqs (basis), never a payload or a state.
//
// Deletion needs no separate job to happen: each push deletes up to PURGE_PER_PUSH expired rows of
// its space; the server's periodic sweep (sweep.ts) reaches spaces that no longer push. An action
// retried after its covered row was deleted is new again (served once more, after the snapshot):
// harmless, since applying an action twice merges to the same state.

import type { Action } from '../../sync/action';
import type { PushOutcome } from './types';

/** RETENTION_DAYS when unset: how long covered rows are kept (a retried push still finds them). */
export const DEFAULT_RETENTION_DAYS = 30;
export const DAY_MS = 86_400_000;

/** Expired covered rows of its own space a push deletes, at most, on its way (bounded work). */
export const PURGE_PER_PUSH = 200;

/** What one push covers in one entity: its rows with seq <= basis. */
export interface Cover {
  readonly collection: string;
  readonly entityId: string;
  readonly basis: number;
}

export type CoverPlan = { readonly ok: true; readonly covers: Cover[] } | Extract<PushOutcome, { reason: 'basis_ahead' }>;

/**
 * The covers of a batch's new snapshots against the head before the batch (the greatest basis per
 * entity: it includes the smaller ones), or the push's refusal naming the first snapshot whose
 * basis is beyond that head. Reads only type, entity and basis.
 */
export function planCovers(batch: readonly Action[], fresh: readonly Action[], head: number): CoverPlan {
  const byEntity = new Map<string, Cover>();
  for (const a of fresh) {
    if (a.type !== 'snapshot' || a.basis === undefined) continue;
    if (a.basis > head) return { ok: false, reason: 'basis_ahead', index: batch.indexOf(a), actionId: a.id, basis: a.basis, head };
    const key = `${a.collection}\u0000${a.entityId}`;
    const known = byEntity.get(key);
    if (!known || known.basis < a.basis) byEntity.set(key, { collection: a.collection, entityId: a.entityId, basis: a.basis });
  }
  // A basis of 0 covers nothing: the snapshot is stored, no statement needed.
  return { ok: true, covers: [...byEntity.values()].filter((c) => c.basis > 0) };
}

/**
 * Where the next pull starts after a page of `rows` read with `limit` from `cursor`: a page shorter
 * than its limit read everything up to head (the seqs it skipped are covered), so head; a full page,
 * or one cut short by its byte budget (`cut`), ends at its last row. A cursor at or beyond head
 * stays (beyond: a reset backend, the epoch tells).
 */
export function pageCursor(cursor: number, head: number, rows: readonly { readonly seq: number | string }[], limit: number, cut = false): number {
  if (cursor >= head) return cursor;
  const last = rows.at(-1);
  if ((rows.length < limit && !cut) || last === undefined) return head;
  return Number(last.seq);
}

/** A push's retention window: as set, or the default. */
export function retentionOf(input: { readonly retentionMs?: number }): number {
  return input.retentionMs ?? DEFAULT_RETENTION_DAYS * DAY_MS;
}

/** The cutoff of the retention window: rows covered at or before it are deleted. */
export function expiredBefore(now: number, retentionMs: number): number {
  return now - retentionMs;
}
