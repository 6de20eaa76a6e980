// The account endpoints of the same-origin server (DESIGN.md section 4): register, login, logout.
// Responses are validated before use; failures become the errors api.ts names, with messages a
// person can act on (the UI shows them as they are).

import * as v from 'valibot';
import { AuthResponseSchema, CredentialsSchema, describeIssues, ErrorBodySchema, type AuthResponse, type Credentials } from '../../sync/protocol';
import type { FetchLike } from '../../sync/transport';
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

const friendly: Partial<Record<string, string>> = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Choose another one, or sign in.',
  rate_limited: 'Too many attempts. Wait a few minutes, then try again.',
};

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

  async function authenticate(path: string, credentials: Credentials): Promise<AuthResponse> {
    const res = await send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const parsed = v.safeParse(AuthResponseSchema, body);
      if (parsed.success) return parsed.output;
      throw new NetworkError(`The server gave an answer this app does not understand (${describeIssues(parsed.issues)}).`);
    }
    if (res.status >= 500 || body === undefined) throw new NetworkError(`The server is not available right now (${res.status}). Try again later.`);
    const error = v.safeParse(ErrorBodySchema, body);
    const code = error.success ? error.output.error.code : undefined;
    const message = code !== undefined ? (friendly[code] ?? capitalise(error.success ? error.output.error.message : '')) : '';
    throw new AuthError(message || `The server refused the request (${res.status}).`);
  }

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
  };
}
