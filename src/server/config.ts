// Every setting the server reads, from the environment, in one table: parsing, defaults and the
// --help text come from the same entries, so they cannot drift apart.

import path from 'node:path';
import { LIMITS } from '../sync/protocol';
import { DAY_MS, DEFAULT_RETENTION_DAYS } from './store/compaction';
import type { LogLevel } from './logger';

/** What the HTTP app needs (createApp); the process-level settings are in ServerConfig. */
export interface AppConfig {
  readonly tokenTtlMs: number;
  readonly heartbeatMs: number;
  readonly loginMaxAttempts: number;
  readonly loginWindowMs: number;
  readonly registerMaxPerWindow: number;
  readonly registerWindowMs: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy you trust). */
  readonly trustProxy: boolean;
  /** log2 of scrypt's N for new password hashes; verification reads it from the stored hash. */
  readonly scryptLogN: number;
  /** The built PWA to serve; null serves the API only. */
  readonly distDir: string | null;
  /** How long rows covered by a snapshot are kept before deletion; 0 deletes them at once. */
  readonly retentionMs: number;
}

export interface ServerConfig extends AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

interface Setting {
  readonly name: string;
  readonly default: string;
  readonly help: string;
}

export const settings: readonly Setting[] = [
  { name: 'PORT', default: '8787', help: 'TCP port to listen on (0 picks a free one)' },
  { name: 'HOST', default: '127.0.0.1', help: 'address to bind; 0.0.0.0 or :: to accept other machines (containers, LAN)' },
  { name: 'DATA_DIR', default: './data', help: 'folder of the embedded SQLite database (notes.sqlite), used when DATABASE_URL is unset' },
  {
    name: 'DATABASE_URL',
    default: '',
    help: 'postgres://user:pass@host:5432/db to use PostgreSQL instead of SQLite; query parameters such as ?max=20 (pool size) or ?search_path=notes are passed to the driver',
  },
  { name: 'TOKEN_TTL_DAYS', default: '30', help: 'lifetime of a session token, in days' },
  { name: 'LOGIN_MAX_ATTEMPTS', default: '10', help: 'failed logins allowed per username and address within LOGIN_WINDOW_SECONDS' },
  { name: 'LOGIN_WINDOW_SECONDS', default: '900', help: 'window of the login rate limit' },
  { name: 'REGISTER_MAX_PER_HOUR', default: '20', help: 'accounts one address may create per hour' },
  { name: 'TRUST_PROXY', default: 'false', help: 'true to take the client address from X-Forwarded-For (behind a trusted proxy only)' },
  { name: 'HEARTBEAT_SECONDS', default: '15', help: 'interval of the keep-alive comment on /api/sync/events' },
  { name: 'SHUTDOWN_TIMEOUT_SECONDS', default: '10', help: 'on SIGTERM/SIGINT, how long in-flight requests may take before connections are cut' },
  { name: 'DIST_DIR', default: './dist', help: 'the built app to serve (npm run build)' },
  { name: 'SCRYPT_LOG_N', default: '15', help: 'scrypt cost for new password hashes, as log2(N) (r=8, p=1)' },
  {
    name: 'RETENTION_DAYS',
    default: String(DEFAULT_RETENTION_DAYS),
    help: 'days the server keeps history a note snapshot replaced (a late retry still finds it) before deleting it; 0 deletes it at once',
  },
  { name: 'LOG_LEVEL', default: 'info', help: 'debug | info | warn | error | silent' },
];

/** The protocol limits, fixed because clients rely on them (src/sync/protocol.ts). */
export function limitsHelp(): string[] {
  return [
    `request body of a push: at most ${LIMITS.maxPushBytes} bytes (auth requests: ${LIMITS.maxAuthBytes})`,
    `actions per push: at most ${LIMITS.maxActionsPerPush}`,
    `actions per pull page: default ${LIMITS.defaultPullLimit}, at most ${LIMITS.maxPullLimit}`,
    `client clock ahead of the server: at most ${LIMITS.maxClockAheadMs / 1000} s (else 400 clock_ahead)`,
  ];
}

export function loadConfig(env: Env, cwd: string = process.cwd()): ServerConfig {
  const problems: string[] = [];
  const raw = (name: string): string => {
    const s = settings.find((x) => x.name === name);
    if (!s) throw new Error(`unknown setting ${name}`);
    const value = env[name]?.trim();
    return value === undefined || value === '' ? s.default : value;
  };
  const int = (name: string, min: number, max: number): number => {
    const text = raw(name);
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
      return min;
    }
    return n;
  };
  const bool = (name: string): boolean => {
    const text = raw(name).toLowerCase();
    if (['1', 'true', 'yes'].includes(text)) return true;
    if (['0', 'false', 'no'].includes(text)) return false;
    problems.push(`${name} must be true or false, got ${JSON.stringify(text)}`);
    return false;
  };

  const databaseUrl = raw('DATABASE_URL') || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const logLevel = raw('LOG_LEVEL');
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of debug, info, warn, error, silent, got ${JSON.stringify(logLevel)}`);
  }

  const config: ServerConfig = {
    port: int('PORT', 0, 65535),
    host: raw('HOST'),
    dataDir: path.resolve(cwd, raw('DATA_DIR')),
    databaseUrl,
    tokenTtlMs: int('TOKEN_TTL_DAYS', 1, 3650) * 24 * 3600 * 1000,
    loginMaxAttempts: int('LOGIN_MAX_ATTEMPTS', 1, 1_000_000),
    loginWindowMs: int('LOGIN_WINDOW_SECONDS', 1, 86_400 * 30) * 1000,
    registerMaxPerWindow: int('REGISTER_MAX_PER_HOUR', 1, 1_000_000),
    registerWindowMs: 3600 * 1000,
    trustProxy: bool('TRUST_PROXY'),
    heartbeatMs: int('HEARTBEAT_SECONDS', 1, 3600) * 1000,
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_SECONDS', 0, 3600) * 1000,
    distDir: path.resolve(cwd, raw('DIST_DIR')),
    scryptLogN: int('SCRYPT_LOG_N', 10, 20),
    retentionMs: int('RETENTION_DAYS', 0, 3650) * DAY_MS,
    logLevel: logLevel as LogLevel,
  };
  if (problems.length > 0) throw new ConfigError(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return config;
}

/** Safe to log: the database password is masked. */
export function describeConfig(c: ServerConfig): Record<string, string | number | boolean> {
  return {
    port: c.port,
    host: c.host,
    store: c.databaseUrl ? 'postgres' : 'sqlite',
    ...(c.databaseUrl ? { databaseUrl: c.databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@') } : { dataDir: c.dataDir }),
    distDir: c.distDir ?? '',
    tokenTtlDays: c.tokenTtlMs / 86_400_000,
    retentionDays: c.retentionMs / DAY_MS,
  };
}
