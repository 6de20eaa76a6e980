// The wire contract between client and server (DESIGN.md section 4), as valibot schemas. Both ends
// validate with these: the server every request body, the client every response, the worker every
// message from another thread.

import * as v from 'valibot';
import { actionTypes, type Action } from './action';
import { collections, isCollectionName, isTextField } from './collections';
import { isHlc, parseHlc } from './hlc';

export const LIMITS = {
  maxActionsPerPush: 500,
  maxPushBytes: 8 * 1024 * 1024,
  maxAuthBytes: 4 * 1024,
  maxPullLimit: 1_000,
  defaultPullLimit: 500,
  maxIdLength: 64,
  /** A client's clock may run at most this far ahead of the server's. */
  maxClockAheadMs: 5 * 60 * 1000,
  /** One text edit's Yjs update, in base64 characters (a paste of a long text fits). */
  maxEditChars: 1_000_000,
  /** A snapshot's encoded state, in characters. */
  maxSnapshotChars: 4 * 1024 * 1024,
} as const;

/**
 * The wire protocol this code speaks. Version 2 adds text edits and snapshots; a client that sends
 * no version (the app before it) may still push whole-string writes, but its pulls are refused with
 * a message it shows in words, since it cannot read what version 2 serves.
 */
export const PROTOCOL_VERSION = 2;
export const PROTOCOL_HEADER = 'x-notes-protocol';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const Uuid = v.pipe(v.string(), v.regex(UUID_PATTERN, 'must be a UUID'));
const Stamp = v.pipe(v.string(), v.maxLength(200));

const actionEntries = {
  id: Uuid,
  collection: v.pipe(
    v.string(),
    v.check((c) => isCollectionName(c), 'unknown collection'),
  ),
  entityId: Uuid,
  type: v.picklist(actionTypes),
  payload: v.record(v.pipe(v.string(), v.maxLength(64)), v.string()),
  hlc: v.pipe(v.string(), v.check(isHlc, 'must be an HLC stamp')),
  clientId: Uuid,
  base: v.optional(v.record(v.pipe(v.string(), v.maxLength(64)), Stamp)),
  edits: v.optional(
    v.record(
      v.pipe(v.string(), v.maxLength(64)),
      v.strictObject({
        base: Stamp,
        update: v.pipe(
          v.string(),
          v.minLength(4, 'an edit must carry a Yjs update'),
          v.maxLength(LIMITS.maxEditChars, `an edit is at most ${LIMITS.maxEditChars} characters`),
          v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'an edit must be base64'),
        ),
      }),
    ),
  ),
  basis: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  state: v.optional(v.pipe(v.string(), v.maxLength(LIMITS.maxSnapshotChars, `a snapshot is at most ${LIMITS.maxSnapshotChars} characters`))),
};

function checkActionProblems<T extends Action>() {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    for (const problem of actionProblems(dataset.value)) addIssue({ message: problem });
  });
}

export const ActionSchema = v.pipe(v.strictObject(actionEntries), checkActionProblems());

/** Rules that need the collection's schema: known fields, their types and lengths, payload shape. */
export function actionProblems(a: Action): string[] {
  const problems: string[] = [];
  if (!isCollectionName(a.collection)) return [`unknown collection ${JSON.stringify(a.collection)}`];
  const spec = collections[a.collection].fields as Record<string, { maxLength: number } | undefined>;
  // The schema reports a malformed hlc itself, and still runs this check (a failed v.check leaves
  // the value typed), so this must not throw on one.
  if (isHlc(a.hlc) && parseHlc(a.hlc).node !== a.clientId) problems.push('hlc must end with the action clientId');
  const keys = Object.keys(a.payload);
  if ((a.type === 'delete' || a.type === 'purge') && keys.length > 0) problems.push(`${a.type} takes an empty payload`);
  const editKeys = Object.keys(a.edits ?? {});
  if (a.type === 'update' && keys.length === 0 && editKeys.length === 0) problems.push('update must change at least one field');
  if (a.type === 'snapshot') {
    if (keys.length > 0 || editKeys.length > 0) problems.push('snapshot takes an empty payload and no edits');
    if (a.basis === undefined || a.state === undefined) problems.push('snapshot needs basis and state');
  } else if (a.basis !== undefined || a.state !== undefined) problems.push('only a snapshot has basis and state');
  if (editKeys.length > 0 && a.type !== 'create' && a.type !== 'update' && a.type !== 'restore') {
    problems.push(`${a.type} takes no edits`);
  }
  for (const k of editKeys) {
    if (!isTextField(a.collection, k)) problems.push(`edits: ${JSON.stringify(k.slice(0, 64))} is not a text field of ${a.collection}`);
    else if (Object.hasOwn(a.payload, k)) problems.push(`field ${k} is both replaced and edited`);
  }
  for (const k of keys) {
    // Own properties only: `toString` or `constructor` must not find Object.prototype's.
    const f = Object.hasOwn(spec, k) ? spec[k] : undefined;
    if (!f) problems.push(`unknown field ${JSON.stringify(clipInput(k))} for ${a.collection}`);
    else if (a.payload[k]!.length > f.maxLength) problems.push(`field ${k} is longer than ${f.maxLength} characters`);
  }
  for (const k of Object.keys(a.base ?? {})) if (!Object.hasOwn(spec, k)) problems.push(`unknown base field ${JSON.stringify(clipInput(k))}`);
  return problems;
}

// One strict object with seq added: an intersect with the strict ActionSchema would reject `seq` as
// an unknown key, and so every pulled action.
export const SequencedActionSchema = v.pipe(
  v.strictObject({ ...actionEntries, seq: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
  checkActionProblems(),
);

export const PushRequestSchema = v.strictObject({
  clientId: Uuid,
  actions: v.pipe(v.array(v.unknown()), v.minLength(1), v.maxLength(LIMITS.maxActionsPerPush)),
});
export type PushRequest = { clientId: string; actions: Action[] };

export const PushResponseSchema = v.object({
  accepted: v.array(Uuid),
  duplicates: v.array(Uuid),
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type PushResponse = v.InferOutput<typeof PushResponseSchema>;

export const PullQuerySchema = v.object({
  cursor: v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'cursor must be a non-negative integer'), v.transform(Number)),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,5}$/, 'limit must be a positive integer'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(LIMITS.maxPullLimit),
    ),
  ),
});

export const PullResponseSchema = v.object({
  actions: v.array(SequencedActionSchema),
  cursor: v.pipe(v.number(), v.integer(), v.minValue(0)),
  head: v.pipe(v.number(), v.integer(), v.minValue(0)),
  hasMore: v.boolean(),
  serverTime: v.number(),
  epoch: v.string(),
});
export type PullResponse = v.InferOutput<typeof PullResponseSchema>;

export const CredentialsSchema = v.strictObject({
  username: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(3, 'username must have at least 3 characters'),
    v.maxLength(64, 'username must have at most 64 characters'),
    v.regex(/^[A-Za-z0-9_.@-]+$/, 'username may use letters, digits and _ . @ -'),
  ),
  password: v.pipe(
    v.string(),
    v.minLength(8, 'password must have at least 8 characters'),
    v.maxLength(256, 'password must have at most 256 characters'),
  ),
});
export type Credentials = v.InferOutput<typeof CredentialsSchema>;

export const AuthResponseSchema = v.object({
  token: v.string(),
  userId: v.string(),
  username: v.string(),
  expiresAt: v.number(),
});
export type AuthResponse = v.InferOutput<typeof AuthResponseSchema>;

export const errorCodes = [
  'bad_request',
  'invalid_action',
  'clock_ahead',
  'payload_too_large',
  'unauthorized',
  'forbidden_client',
  'username_taken',
  'invalid_credentials',
  'rate_limited',
  'not_found',
  'internal',
  /** The account's stored bytes would pass the server's quota: the push is kept for later. */
  'storage_full',
  /** Too much at once (pushes in flight, a database lock, the password hashing queue): retry shortly. */
  'busy',
  'too_many_streams',
  'unsupported_media_type',
  /** 401 for a token whose account was deleted (on another device). */
  'account_deleted',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const ErrorBodySchema = v.object({
  error: v.object({
    code: v.picklist(errorCodes),
    message: v.string(),
    actionId: v.optional(v.string()),
    index: v.optional(v.number()),
    /** On clock_ahead: the server's clock, so the client can correct its own and re-stamp. */
    serverTime: v.optional(v.number()),
  }),
});
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>;

export const HeadEventSchema = v.object({ head: v.pipe(v.number(), v.integer(), v.minValue(0)) });

/** What of a request an error message may quote: a short prefix. */
export function clipInput(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * A one-line, human-readable summary of a validation failure, naming the path. Paths (keys) and
 * the values an issue quotes come from the request, so both are clipped: errors never echo long input.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 5)
    .map((i) => {
      const path = v.getDotPath(i);
      const message = i.received.length > 40 ? i.message.split(i.received).join(clipInput(i.received)) : i.message;
      return path ? `${clipInput(path, 80)}: ${message}` : message;
    })
    .join('; ');
}
