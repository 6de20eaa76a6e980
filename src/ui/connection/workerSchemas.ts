// What the UI accepts from its worker. The worker is another thread: its answers are checked here
// before the views touch them, so a mismatch between the two sides fails loudly at the boundary.
import * as v from 'valibot';
import {
  workerErrorNames,
  type ChangeEvent,
  type ConflictEntry,
  type ImportSummary,
  type Note,
  type NoteSearchHit,
  type NoteSummaries,
  type NoteSummary,
  type OpenResult,
  type SyncState,
  type SyncStatus,
  type TrashedNote,
} from '../../worker/api';

const Stamps = v.record(v.string(), v.string());

export const OpenResultSchema = v.object({
  state: v.picklist(['ready', 'locked']),
  storage: v.picklist(['opfs', 'memory']),
  warning: v.optional(v.string()),
  clientId: v.string(),
});

export const NoteSummarySchema = v.object({
  id: v.string(),
  title: v.string(),
  snippet: v.string(),
  changedAt: v.number(),
  pending: v.boolean(),
});

export const NoteSchema = v.object({
  id: v.string(),
  title: v.string(),
  body: v.string(),
  createdAt: v.number(),
  changedAt: v.number(),
  stamps: Stamps,
  pending: v.boolean(),
});

export const ChangeEventSchema = v.object({ entityIds: v.array(v.string()), all: v.optional(v.boolean()) });

export const WorkerErrorNameSchema = v.picklist(workerErrorNames);

export const SyncStatusSchema = v.object({
  state: v.picklist(['local-only', 'offline', 'syncing', 'synced', 'error'] satisfies SyncState[]),
  account: v.nullable(v.object({ userId: v.string(), username: v.string() })),
  boundUsername: v.nullable(v.string()),
  sessionExpired: v.boolean(),
  accountDeleted: v.boolean(),
  lastSyncedAt: v.nullable(v.number()),
  error: v.nullable(v.string()),
  errorCode: v.nullable(v.pipe(v.string(), v.maxLength(64))),
  pendingCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  compacting: v.optional(v.boolean()),
  quarantined: v.array(v.object({ actionId: v.string(), entityId: v.string(), reason: v.string() })),
  conflictCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
});

export const ConflictEntrySchema = v.object({
  id: v.number(),
  entityId: v.string(),
  noteTitle: v.string(),
  field: v.string(),
  kind: v.picklist(['overwritten', 'deleted']),
  lostValue: v.string(),
  createdAt: v.number(),
});

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

const TextRangeSchema = v.pipe(
  v.object({ start: Count, end: Count }),
  v.check((r) => r.end >= r.start, 'a range must not end before it starts'),
);

export const NoteSearchHitSchema = v.object({
  ...NoteSummarySchema.entries,
  titleRanges: v.array(TextRangeSchema),
  snippetRanges: v.array(TextRangeSchema),
});

export const TrashedNoteSchema = v.object({
  id: v.string(),
  title: v.string(),
  snippet: v.string(),
  deletedAt: v.number(),
});

export const ImportSummarySchema = v.object({
  created: Count,
  updated: Count,
  restored: Count,
  unchanged: Count,
  skipped: Count,
});

export const parseOpenResult = (x: unknown): OpenResult => v.parse(OpenResultSchema, x);
export const parseNoteSummaries = (x: unknown): NoteSummary[] => v.parse(v.array(NoteSummarySchema), x);
export const parseNoteSummariesAnswer = (x: unknown): NoteSummaries =>
  v.parse(v.object({ summaries: v.array(NoteSummarySchema), missing: v.array(v.string()) }), x);
export const parseNote = (x: unknown): Note => v.parse(NoteSchema, x);
export const parseMaybeNote = (x: unknown): Note | null => v.parse(v.nullable(NoteSchema), x);
export const parseChangeEvent = (x: unknown): ChangeEvent => v.parse(ChangeEventSchema, x);
export const parseSyncStatus = (x: unknown): SyncStatus => v.parse(SyncStatusSchema, x);
export const parseConflicts = (x: unknown): ConflictEntry[] => v.parse(v.array(ConflictEntrySchema), x);
export const parseSearchHits = (x: unknown): NoteSearchHit[] => v.parse(v.array(NoteSearchHitSchema), x);
export const parseTrash = (x: unknown): TrashedNote[] => v.parse(v.array(TrashedNoteSchema), x);
export const parseImportSummary = (x: unknown): ImportSummary => v.parse(ImportSummarySchema, x);
export const parseEmptied = (x: unknown): { purged: number } => v.parse(v.object({ purged: Count }), x);
export const parseText = (x: unknown): string => v.parse(v.string(), x);
export const parseBytes = (x: unknown): Uint8Array => v.parse(v.instance(Uint8Array), x);
