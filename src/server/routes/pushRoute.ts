// POST /api/sync/push: validate the whole batch, then store it in one transaction. One bad action
// rejects the batch (nothing stored) with an error naming it, so the client can quarantine exactly
// that action and push the rest again.

import { Hono } from 'hono';
import * as v from 'valibot';
import type { Action } from '../../sync/action';
import { parseHlc } from '../../sync/hlc';
import { updateProblem } from '../../sync/text/yjsText';
import { ActionSchema, describeIssues, LIMITS, PushRequestSchema, type PushResponse } from '../../sync/protocol';
import { apiError, clientAddress, readJson, type AppDeps, type AppEnv } from '../http';
import { errorMessage } from '../logger';
import { bodyLimit, refuseSession, requireAuth } from '../middleware';
import { accountLimit, pushRefusal } from '../security/pushLimits';
import { securityEvent } from '../security/securityLog';

type BatchProblem = { code: 'invalid_action' | 'clock_ahead'; message: string; actionId?: string; index: number };

/** The first problem in the batch, or the typed actions. */
export function checkBatch(clientId: string, raw: readonly unknown[], now: number): BatchProblem | Action[] {
  const actions: Action[] = [];
  for (const [index, item] of raw.entries()) {
    const rawId = typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string' ? item.id : undefined;
    const named = (message: string) => ({ message: `actions[${index}]: ${message}`, index, ...(rawId !== undefined ? { actionId: rawId.slice(0, LIMITS.maxIdLength) } : {}) });
    const parsed = v.safeParse(ActionSchema, item);
    if (!parsed.success) return { code: 'invalid_action', ...named(describeIssues(parsed.issues)) };
    const action = parsed.output;
    for (const [field, edit] of Object.entries(action.edits ?? {})) {
      const problem = updateProblem(edit.update);
      if (problem !== null) return { code: 'invalid_action', ...named(`edits.${field}: ${problem}`) };
    }
    if (action.clientId !== clientId) return { code: 'invalid_action', ...named('clientId differs from the clientId of the push') };
    const aheadMs = parseHlc(action.hlc).ms - now;
    if (aheadMs > LIMITS.maxClockAheadMs) {
      return { code: 'clock_ahead', ...named(`hlc is ${Math.round(aheadMs / 1000)} s ahead of the server clock (at most ${LIMITS.maxClockAheadMs / 1000} s allowed)`) };
    }
    actions.push(action);
  }
  return actions;
}

export function pushRoute(deps: AppDeps): Hono<AppEnv> {
  const { store, bus, clock, logger, config } = deps;
  const app = new Hono<AppEnv>();

  app.post(
    '/push',
    requireAuth(deps, { fromCache: true }),
    // Before the body is read: a refused push costs the server nothing but this check.
    accountLimit(),
    bodyLimit({
      maxSize: LIMITS.maxPushBytes,
      onError: (c) => apiError(c, 413, 'payload_too_large', `a push may carry at most ${LIMITS.maxPushBytes} bytes; send fewer actions per push`),
    }),
    async (c) => {
      const session = c.get('session');
      const body = await readJson(c);
      if (!body.ok) return apiError(c, 400, 'bad_request', body.message);
      const request = v.safeParse(PushRequestSchema, body.value);
      if (!request.success) return apiError(c, 400, 'bad_request', describeIssues(request.issues));
      const { clientId } = request.output;

      const now = clock.now();
      const checked = checkBatch(clientId, request.output.actions, now);
      if (!Array.isArray(checked)) {
        const { code, ...rest } = checked;
        return apiError(c, 400, code, rest.message, { ...rest, ...(code === 'clock_ahead' ? { serverTime: now } : {}) });
      }

      const outcome = await pushRefusal(c, () =>
        store.push({
          spaceId: session.spaceId,
          userId: session.userId,
          clientId,
          actions: checked,
          receivedAt: now,
          retentionMs: config.retentionMs,
          maxStoredBytes: config.accountMaxStoredBytes,
          // The session may come from the cache: the transaction checks it is still live.
          tokenHash: session.tokenHash,
        }),
      );
      if (outcome instanceof Response) return outcome;
      if (!outcome.ok && outcome.reason === 'unauthorized') {
        c.get('guards').sessions.forget(session.tokenHash);
        return refuseSession(c, deps, session.tokenHash, now);
      }
      if (!outcome.ok && outcome.reason === 'storage_full') {
        return apiError(c, 403, 'storage_full', "the server's storage for this account is full; these changes stay on the device");
      }
      if (!outcome.ok && outcome.reason === 'basis_ahead') {
        // Checked under the space's lock: the maker cannot have pulled beyond head.
        const { index, actionId, basis, head } = outcome;
        const message = `actions[${index}]: snapshot basis ${basis} is beyond the head of this space (${head}); a snapshot covers only what its maker had pulled`;
        return apiError(c, 400, 'invalid_action', message, { index, actionId });
      }
      if (!outcome.ok) {
        securityEvent(logger, 'foreign_client', { address: clientAddress(c), userId: session.userId, clientId });
        return apiError(c, 403, 'forbidden_client', 'this clientId belongs to another account; a device must use its own clientId');
      }
      if (outcome.accepted.length > 0) {
        // After the commit: a lost notification only delays clients until their next scheduled pull.
        bus.publish(session.spaceId, outcome.head).catch((e: unknown) => logger.warn('head notification failed', { error: errorMessage(e) }));
      }
      const response: PushResponse = { accepted: outcome.accepted, duplicates: outcome.duplicates, head: outcome.head };
      return c.json(response);
    },
  );

  return app;
}
