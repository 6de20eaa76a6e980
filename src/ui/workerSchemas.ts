// What the UI accepts from its worker. The worker is another thread: its answers are checked here
// before the views touch them, so a mismatch between the two sides fails loudly at the boundary.
import * as v from 'valibot';
import { workerErrorNames, type ChangeEvent, type Note, type NoteSummary, type OpenResult } from '../worker/api';

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

export const ChangeEventSchema = v.object({ entityIds: v.array(v.string()) });

export const WorkerErrorNameSchema = v.picklist(workerErrorNames);

export const parseOpenResult = (x: unknown): OpenResult => v.parse(OpenResultSchema, x);
export const parseNoteSummaries = (x: unknown): NoteSummary[] => v.parse(v.array(NoteSummarySchema), x);
export const parseNote = (x: unknown): Note => v.parse(NoteSchema, x);
export const parseMaybeNote = (x: unknown): Note | null => v.parse(v.nullable(NoteSchema), x);
export const parseChangeEvent = (x: unknown): ChangeEvent => v.parse(ChangeEventSchema, x);
