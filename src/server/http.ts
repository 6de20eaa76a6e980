// Shared pieces of the HTTP layer: the app's context types, its dependencies and JSON errors in the
// protocol's shape ({error: {code, message, ...}}).

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HttpBindings } from '@hono/node-server';
import type { ErrorBody, ErrorCode } from '../sync/protocol';
import type { Bus } from './bus';
import type { Clock } from './clock';
import type { AppConfig } from './config';
import type { Logger } from './logger';
import type { Store, TokenRecord } from './store/types';

export interface AppDeps {
  readonly store: Store;
  readonly bus: Bus;
  readonly clock: Clock;
  readonly config: AppConfig;
  readonly logger: Logger;
}

export interface Session extends TokenRecord {
  readonly tokenHash: string;
}

export interface AppEnv {
  // Absent when the app is driven in-process with app.request().
  Bindings: Partial<HttpBindings> | undefined;
  Variables: { session: Session };
}

export type AppContext = Context<AppEnv>;

type ErrorExtra = Omit<ErrorBody['error'], 'code' | 'message'>;

export function apiError(c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string, extra: ErrorExtra = {}) {
  const body: ErrorBody = { error: { code, message, ...extra } };
  return c.json(body, status);
}

export type JsonBody = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

export async function readJson(c: Context): Promise<JsonBody> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: false, message: 'the request body is empty; expected JSON' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: 'the request body is not valid JSON' };
  }
}

/** The caller's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientAddress(c: AppContext, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
