// A user with a live token and a device that has pushed once on each of `stores`, so each knows the
// device is bound to its user and takes the one-statement push (postgresFastPush.ts) from it next.

import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import type { Action } from '../../../../src/sync/action';
import type { PostgresStore } from '../../../../src/server/store/postgres/postgresStore';
import type { PushInput } from '../../../../src/server/store/types';
import { makeActions } from '../../helpers';

export interface BoundDevice {
  readonly spaceId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly tokenHash: string;
  /** A push of `actions` from this device, stamped now. */
  readonly input: (actions: readonly Action[]) => PushInput;
}

/** The user is made through the first of `stores`; `maxStoredBytes` is the space's quota. */
export async function boundDevice(stores: readonly [PostgresStore, ...PostgresStore[]], opts: { readonly maxStoredBytes?: number | undefined } = {}): Promise<BoundDevice> {
  const [first] = stores;
  const spaceId = uuidv7();
  const userId = uuidv7();
  const tokenHash = uuidv7().replace(/-/g, '').padEnd(64, '0');
  const now = Date.now();
  await first.createUser({ id: userId, username: `bound_${userId}`, passwordHash: 'x', spaceId, createdAt: now });
  await first.createToken({ hash: tokenHash, userId, createdAt: now, expiresAt: now + 3_600_000 });
  const clientId = uuidv7();
  const input = (actions: readonly Action[]): PushInput => ({
    spaceId,
    userId,
    clientId,
    actions,
    receivedAt: Date.now(),
    tokenHash,
    ...(opts.maxStoredBytes !== undefined ? { maxStoredBytes: opts.maxStoredBytes } : {}),
  });
  for (const s of stores) expect((await s.push(input(makeActions(clientId, 1)))).ok).toBe(true);
  return { spaceId, userId, clientId, tokenHash, input };
}
