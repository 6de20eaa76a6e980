// Every argument that comes from the page crosses a thread boundary: it is checked here before any
// of it reaches storage. Limits come from collections.ts, so the worker accepts exactly what the
// server will.

import * as v from 'valibot';
import { collections } from '../sync/collections';
import { describeIssues, UUID_PATTERN } from '../sync/protocol';
import type { NoteFields, WriteOptions } from './api';
import { ValidationError } from './errors';

const Uuid = v.pipe(v.string('must be a string'), v.regex(UUID_PATTERN, 'must be a UUID'));
const note = collections.notes.fields;

export const NoteIdSchema = Uuid;

export const NoteFieldsSchema = v.strictObject({
  title: v.optional(v.pipe(v.string(), v.maxLength(note.title.maxLength, `title must be at most ${note.title.maxLength} characters`))),
  body: v.optional(v.pipe(v.string(), v.maxLength(note.body.maxLength, `body must be at most ${note.body.maxLength} characters`))),
});

const BaseSchema = v.strictObject({
  title: v.optional(v.pipe(v.string(), v.maxLength(200))),
  body: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

export const WriteOptionsSchema = v.strictObject({
  actionId: v.optional(Uuid),
  base: v.optional(BaseSchema),
  editedFrom: v.optional(
    v.strictObject({
      body: v.optional(v.pipe(v.string(), v.maxLength(note.body.maxLength, `editedFrom.body must be at most ${note.body.maxLength} characters`))),
    }),
  ),
});

export const CreateOptionsSchema = v.strictObject({
  ...WriteOptionsSchema.entries,
  id: v.optional(Uuid),
});

/** Options of a write that takes no fields (restore, purge): only the retry key. */
export const ActionIdOptionsSchema = v.strictObject({ actionId: v.optional(Uuid) });

export const MAX_QUERY_LENGTH = 1_000;
export const SearchQuerySchema = v.pipe(
  v.string('must be a string'),
  v.maxLength(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
);
export const SearchOptionsSchema = v.strictObject({
  limit: v.optional(v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1), v.maxValue(1_000))),
});

export const SubscriptionIdSchema = v.pipe(v.number(), v.integer(), v.minValue(1));

/** Parses `input` or throws a ValidationError naming the argument and what is wrong with it. */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown, argument: string): v.InferOutput<S> {
  const r = v.safeParse(schema, input);
  if (!r.success) throw new ValidationError(`${argument}: ${describeIssues(r.issues)}`);
  return r.output;
}

/** Drops undefined entries, so an optional field that is absent never becomes a written field. */
export function definedFields(fields: NoteFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(fields)) if (typeof val === 'string') out[k] = val;
  return out;
}

export function definedBase(options: WriteOptions | undefined): Record<string, string> | undefined {
  return options?.base === undefined ? undefined : definedFields(options.base);
}
