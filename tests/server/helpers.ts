// Small builders for server tests: valid actions on a given clock, and typed calls to the API.

import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import type { Action, ActionType } from '../../src/sync/action';
import { formatHlc } from '../../src/sync/hlc';
import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  ErrorBodySchema,
  PullResponseSchema,
  PushResponseSchema,
  type ErrorBody,
  type PullResponse,
  type PushResponse,
} from '../../src/sync/protocol';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

let counter = 0;

/** A valid action from `clientId`, stamped at `ms` (default: now). */
export function makeAction(
  clientId: string,
  opts: { ms?: number; type?: ActionType; entityId?: string; payload?: Record<string, string>; id?: string } = {},
): Action {
  const type = opts.type ?? 'create';
  const payload = opts.payload ?? (type === 'delete' || type === 'purge' ? {} : { title: `note ${++counter}`, body: 'text' });
  return {
    id: opts.id ?? uuidv7(),
    collection: 'notes',
    entityId: opts.entityId ?? uuidv7(),
    type,
    payload,
    hlc: formatHlc({ ms: opts.ms ?? Date.now(), counter: counter % 99_999, node: clientId }),
    clientId,
  };
}

/**
 * A snapshot of `entityId` by a device that had pulled up to `basis`. The server never reads the
 * state, so any string does: this one names what it stands for, to read failures by.
 */
export function makeSnapshot(clientId: string, entityId: string, basis: number, opts: { ms?: number; id?: string } = {}): Action {
  return { ...makeAction(clientId, { ...opts, entityId, type: 'snapshot', payload: {} }), basis, state: `state of ${entityId} through ${basis}` };
}

export function makeActions(clientId: string, n: number, ms?: number): Action[] {
  return Array.from({ length: n }, () => makeAction(clientId, ms === undefined ? {} : { ms }));
}

const json = { 'content-type': 'application/json' };

export function api(fetch: FetchLike, token: string) {
  const auth = { authorization: `Bearer ${token}` };
  const pullHeaders = { ...auth, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
  return {
    pushRaw: (body: unknown) => fetch('/api/sync/push', { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify(body) }),
    push: async (clientId: string, actions: readonly Action[]): Promise<PushResponse> => {
      const res = await fetch('/api/sync/push', { method: 'POST', headers: { ...json, ...auth }, body: JSON.stringify({ clientId, actions }) });
      if (res.status !== 200) throw new Error(`push: ${res.status} ${await res.text()}`);
      return v.parse(PushResponseSchema, await res.json());
    },
    pullRaw: (query: string) => fetch(`/api/sync/pull?${query}`, { headers: pullHeaders }),
    pull: async (cursor: number, limit?: number): Promise<PullResponse> => {
      const res = await fetch(`/api/sync/pull?cursor=${cursor}${limit === undefined ? '' : `&limit=${limit}`}`, { headers: pullHeaders });
      if (res.status !== 200) throw new Error(`pull: ${res.status} ${await res.text()}`);
      // The client's own schema: what the server sends must be what the client accepts.
      return v.parse(PullResponseSchema, await res.json());
    },
    /** Every action of the space, following hasMore. */
    pullAll: async (limit?: number): Promise<PullResponse['actions']> => {
      const all: PullResponse['actions'] = [];
      let cursor = 0;
      for (;;) {
        const page = await api(fetch, token).pull(cursor, limit);
        all.push(...page.actions);
        cursor = page.cursor;
        if (!page.hasMore) return all;
      }
    },
  };
}

export async function expectError(res: Response, status: number, code: ErrorBody['error']['code']): Promise<ErrorBody['error']> {
  const body: unknown = await res.json();
  expect({ status: res.status, body }).toMatchObject({ status, body: { error: { code } } });
  return v.parse(ErrorBodySchema, body).error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
