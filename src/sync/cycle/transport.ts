// The client's view of the server: push and pull over HTTP with fetch injected. Every response is
// validated before use; every failure becomes a SyncError whose kind tells the cycle what to do.

import * as v from 'valibot';
import type { Action } from '../action';
import {
  ErrorBodySchema,
  PullResponseSchema,
  PushResponseSchema,
  describeIssues,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  type ErrorCode,
  type PullResponse,
  type PushResponse,
} from '../protocol';

export type SyncErrorKind =
  | 'network' // no answer: offline, DNS, connection reset, timeout
  | 'unauthorized' // 401: the token is missing, wrong or expired
  | 'forbidden' // 403: this device's clientId belongs to another account
  | 'invalid_action' // 400 naming one action: quarantine it, continue with the rest
  | 'clock_ahead' // 400: our clock runs ahead of the server's; correct and re-stamp
  | 'refused' // a limit (storage full, too many pushes, busy): nothing was stored; keep it pending, retry later
  | 'rejected' // another 4xx: the request itself is wrong (a bug), retrying will not help
  | 'server'; // 5xx or an unreadable answer: retry with backoff

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly details: { status?: number; code?: ErrorCode; actionId?: string; serverTime?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
  }
}

export interface Transport {
  push(clientId: string, actions: readonly Action[]): Promise<PushResponse>;
  pull(cursor: number, limit: number): Promise<PullResponse>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpTransportOptions {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly token: () => string | null;
  readonly timeoutMs?: number;
}

export function httpTransport(opts: HttpTransportOptions): Transport {
  const base = opts.baseUrl.replace(/\/$/, '');
  const timeoutMs = opts.timeoutMs ?? 30_000;

  async function call<T>(path: string, init: RequestInit, schema: v.GenericSchema<unknown, T>): Promise<T> {
    const token = opts.token();
    if (token === null) throw new SyncError('unauthorized', 'Not signed in');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let res: Response;
    try {
      res = await opts.fetch(`${base}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        signal: controller.signal,
      });
    } catch (e) {
      throw new SyncError('network', `Cannot reach the server (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      clearTimeout(timer);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new SyncError(res.status >= 500 || res.ok ? 'server' : 'rejected', `The server answered ${res.status} without JSON`, {
        status: res.status,
      });
    }
    if (!res.ok) throw errorFrom(res.status, body, res.headers.get('retry-after'));
    const parsed = v.safeParse(schema, body);
    if (!parsed.success) throw new SyncError('server', `Unexpected answer from the server: ${describeIssues(parsed.issues)}`);
    return parsed.output;
  }

  return {
    push: (clientId, actions) =>
      call(
        '/api/sync/push',
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId, actions }) },
        PushResponseSchema,
      ),
    pull: (cursor, limit) => call(`/api/sync/pull?cursor=${cursor}&limit=${limit}`, { method: 'GET' }, PullResponseSchema),
  };
}

/** Refusals for a limit: the request was fine, the account or the server is at a limit for now. */
export const REFUSAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['storage_full', 'rate_limited', 'busy', 'too_many_streams']);

function errorFrom(status: number, body: unknown, retryAfter: string | null): SyncError {
  const parsed = v.safeParse(ErrorBodySchema, body);
  const err = parsed.success ? parsed.output.error : undefined;
  const message = err?.message ?? `The server answered ${status}`;
  const seconds = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const details = {
    status,
    ...(err ? { code: err.code } : {}),
    ...(err?.actionId ? { actionId: err.actionId } : {}),
    ...(err?.serverTime !== undefined ? { serverTime: err.serverTime } : {}),
    ...(seconds !== undefined ? { retryAfterMs: seconds * 1000 } : {}),
  };
  if (status === 401) return new SyncError('unauthorized', message, details);
  // Before the status: storage_full comes as a 403, which is not a foreign clientId.
  if (err && REFUSAL_CODES.has(err.code)) return new SyncError('refused', message, details);
  if (status === 403) return new SyncError('forbidden', message, details);
  if (err?.code === 'clock_ahead') return new SyncError('clock_ahead', message, details);
  if (err?.code === 'invalid_action' && err.actionId) return new SyncError('invalid_action', message, details);
  if (status >= 500 || status === 429 || status === 408) return new SyncError('server', message, details);
  return new SyncError('rejected', message, details);
}
