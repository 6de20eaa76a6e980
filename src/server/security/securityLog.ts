// Security events, one log line each, with the client address and never a secret: no password,
// token or token hash, no request body. Usernames are clipped (they come from the request).

import type { LogFields, Logger } from '../logger';

export type SecurityEvent =
  | 'sign_in_failed'
  | 'limit_refused'
  | 'hashing_busy'
  | 'foreign_client'
  | 'password_changed'
  | 'signed_out_everywhere'
  | 'account_deleted';

export function securityEvent(logger: Logger, event: SecurityEvent, fields: LogFields & { readonly address: string }): void {
  const clipped: LogFields = {};
  for (const [k, v] of Object.entries(fields)) clipped[k] = typeof v === 'string' ? v.slice(0, 80) : v;
  logger.warn('security', { event, ...clipped });
}
