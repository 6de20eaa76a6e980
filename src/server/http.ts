// Shared pieces of the HTTP layer: the app's context types, its dependencies and JSON errors in the
// protocol's shape ({error: {code, message, ...}}).

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HttpBindings } from '@hono/node-server';
import type { ErrorBody, ErrorCode } from '../sync/protocol';
import type { Bus } from './bus/bus';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import type { Guards } from './security/guards';
import type { LimiterFactory } from './security/limiters';
import type { Passwords } from './security/passwords';
import type { Store, TokenRecord } from './store/types';

export interface AppDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Where rate-limit counters live (the backend's); this process's memory when absent. */
  readonly limiters?: LimiterFactory;
  /** Password hashing; scrypt behind the hashing gate when absent. */
  readonly passwords?: Passwords;
}

export interface Session extends TokenRecord {
  readonly tokenHash: string;
}

export interface AppEnv {
  // Absent when the app is driven in-process with app.request().
  Bindings: Partial<HttpBindings> | undefined;
  Variables: { session: Session; guards: Guards };
}

export type AppContext = Context<AppEnv>;

type ErrorExtra = Omit<ErrorBody['error'], 'code' | 'message'>;

/** Longest message an error answer carries: whatever a message quotes from a request stays short. */
const MAX_MESSAGE = 300;

export function apiError(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string, extra: ErrorExtra = {}) {
  const body: ErrorBody = { error: { code, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message, ...extra } };
  return c.json(body, status);
}

/** A refusal the client should retry later: the wait goes in Retry-After (whole seconds, at least 1). */
export function retryLater(c: Context, status: 429 | 503, code: ErrorCode, message: string, retryAfterMs: number) {
  c.header('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return apiError(c, status, code, message);
}

export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Keys that name Object.prototype's machinery: refused anywhere in a body, however spelled. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class ForbiddenKey extends Error {}

export async function readJson(c: Context): Promise<JsonBody> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: false, message: 'the request body is empty; expected JSON' };
  // The reviver sees every key after unescaping (\u005f_proto__ too); it only runs when the text
  // could hold such a key, so ordinary bodies parse at full speed.
  const suspicious = /proto|constructor|\\u/.test(text);
  try {
    const value: unknown = suspicious
      ? JSON.parse(text, (key, v: unknown) => {
          if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey();
          return v;
        })
      : JSON.parse(text);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ForbiddenKey) return { ok: false, message: 'the field names __proto__, constructor and prototype are not allowed' };
    return { ok: false, message: 'the request body is not valid JSON' };
  }
}

/** The caller's address: the socket's, or the rightmost X-Forwarded-For hop no trusted proxy wrote. */
export function clientAddress(c: AppContext): string {
  return c.get('guards').addressOf(c.env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'));
}
