// The account endpoints of the same-origin server (DESIGN.md section 4): register, login, logout,
// change password, sign out everywhere, delete account. Responses are validated before use;
// failures become the errors api.ts names, with messages a person can act on (the UI shows them
// as they are).

import * as v from 'valibot';
import { ACCOUNT_ROUTES, OkResponseSchema } from '../../sync/accountProtocol';
import { AuthResponseSchema, CredentialsSchema, describeIssues, ErrorBodySchema, type AuthResponse, type Credentials, type ErrorCode } from '../../sync/protocol';
import type { FetchLike } from '../../sync/cycle/transport';
import { AuthError, NetworkError } from '../errors';

export interface AuthClientOptions {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs?: number;
}

export interface AuthClient {
  register(credentials: Credentials): Promise<AuthResponse>;
  login(credentials: Credentials): Promise<AuthResponse>;
  /** Best effort: the token is forgotten locally whatever the server says. */
  logout(token: string): Promise<void>;
  changePassword(token: string, currentPassword: string, newPassword: string): Promise<void>;
  signOutEverywhere(token: string): Promise<void>;
  deleteAccount(token: string, password: string): Promise<void>;
}

/** A new password, checked with the server's rules before any request. */
export function parseNewPassword(password: unknown): string {
  const r = v.safeParse(CredentialsSchema.entries.password, password);
  if (!r.success) throw new AuthError(capitalise(r.issues[0]?.message ?? 'the new password is not valid').replace(/^Password/, 'The new password') + '.');
  return r.output;
}

/** Checks what the user typed with the server's own rules, so the message comes before any request. */
export function parseCredentials(username: unknown, password: unknown): Credentials {
  const r = v.safeParse(CredentialsSchema, { username, password });
  if (!r.success) throw new AuthError(capitalise(r.issues[0]?.message ?? describeIssues(r.issues)) + '.');
  return r.output;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const friendly: Partial<Record<ErrorCode, string>> = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Choose another one, or sign in.',
  rate_limited: 'Too many attempts. Wait a few minutes, then try again.',
  busy: 'The server is busy right now. Try again in a moment.',
  unauthorized: 'Your session has ended. Sign in again, then try once more.',
  account_deleted: 'This account no longer exists.',
};

/** When proving who you are to change or delete the account, a wrong password is about the password alone. */
const proving: Partial<Record<ErrorCode, string>> = { invalid_credentials: 'That password is not right.' };

function waitWords(retryAfter: string | null): string {
  const s = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) : null;
  if (s === null) return '';
  return s < 90 ? ` (about ${s} seconds)` : ` (about ${Math.ceil(s / 60)} minutes)`;
}

export function authClient(opts: AuthClientOptions): AuthClient {
  const base = opts.baseUrl.replace(/\/$/, '');
  const timeoutMs = opts.timeoutMs ?? 20_000;

  async function send(path: string, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      return await opts.fetch(`${base}${path}`, { ...init, signal: controller.signal });
    } catch {
      throw new NetworkError();
    } finally {
      clearTimeout(timer);
    }
  }

  /** POSTs JSON; the answer validated with `schema`, any refusal thrown in words. */
  async function post<T>(path: string, payload: unknown, schema: v.GenericSchema<unknown, T>, token?: string, words = friendly): Promise<T> {
    const res = await send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(payload),
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const parsed = v.safeParse(schema, body);
      if (parsed.success) return parsed.output;
      throw new NetworkError(`The server gave an answer this app does not understand (${describeIssues(parsed.issues)}).`);
    }
    const error = v.safeParse(ErrorBodySchema, body);
    const code = error.success ? error.output.error.code : undefined;
    if (code === 'busy') throw new AuthError(`${friendly.busy!.slice(0, -1)}${waitWords(res.headers.get('retry-after'))}.`);
    if (res.status >= 500 || body === undefined) throw new NetworkError(`The server is not available right now (${res.status}). Try again later.`);
    if (code === 'rate_limited') throw new AuthError(`Too many attempts. Wait${waitWords(res.headers.get('retry-after')) || ' a few minutes'}, then try again.`);
    const message = code !== undefined ? (words[code] ?? friendly[code] ?? capitalise(error.success ? error.output.error.message : '')) : '';
    throw new AuthError(message || `The server refused the request (${res.status}).`);
  }

  const authenticate = (path: string, credentials: Credentials): Promise<AuthResponse> => post(path, credentials, AuthResponseSchema);

  return {
    register: (c) => authenticate('/api/auth/register', c),
    login: (c) => authenticate('/api/auth/login', c),
    logout: async (token) => {
      try {
        await send('/api/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      } catch {
        // Offline: the token simply expires on the server.
      }
    },
    changePassword: async (token, currentPassword, newPassword) => {
      await post(ACCOUNT_ROUTES.changePassword, { currentPassword, newPassword }, OkResponseSchema, token, proving);
    },
    signOutEverywhere: async (token) => {
      await post(ACCOUNT_ROUTES.signOutEverywhere, {}, OkResponseSchema, token);
    },
    deleteAccount: async (token, password) => {
      await post(ACCOUNT_ROUTES.deleteAccount, { password }, OkResponseSchema, token, proving);
    },
  };
}
