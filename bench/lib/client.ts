// A bench client of the sync API over real HTTP (Node's fetch, loopback only), with the answers
// checked by the protocol's own schemas.

import * as v from 'valibot';
import type { Action } from '../../src/sync/action';
import { AuthResponseSchema, PushResponseSchema, type AuthResponse } from '../../src/sync/protocol';

export const PASSWORD = 'bench correct horse battery';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function register(baseUrl: string, username: string, password = PASSWORD): Promise<AuthResponse> {
  const res = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  return v.parse(AuthResponseSchema, await res.json());
}

export async function push(baseUrl: string, token: string, clientId: string, actions: readonly Action[]): Promise<void> {
  const res = await fetch(`${baseUrl}/api/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ clientId, actions }),
  });
  if (!res.ok) throw new Error(`push: ${res.status} ${await res.text()}`);
  const body = v.parse(PushResponseSchema, await res.json());
  if (body.accepted.length + body.duplicates.length !== actions.length) throw new Error('push: the server did not answer for every action');
}
