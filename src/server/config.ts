// Every setting the server reads, from the environment, in one table: parsing, defaults and the
// --help text come from the same entries, so they cannot drift apart.

import path from 'node:path';
import { LIMITS } from '../sync/protocol';
import { DAY_MS, DEFAULT_RETENTION_DAYS } from './store/compaction';
import type { LogLevel } from './logger';
import { parseTrustProxy, type TrustProxy } from './security/clientAddress';

/** What the HTTP app needs (createApp); the process-level settings are in ServerConfig. */
export interface AppConfig {
  readonly tokenTtlMs: number;
  readonly heartbeatMs: number;
  /** Sign-in attempts per account and address (IPv6: its /64) in a window, counted before hashing. */
  readonly loginMaxAttempts: number;
  /** Sign-in attempts per account from every address in a window: past it, sign-ins wait (Retry-After). */
  readonly loginMaxPerAccount: number;
  /** Sign-in attempts from one address to any account in a window. */
  readonly loginMaxPerAddress: number;
  readonly loginWindowMs: number;
  readonly registerMaxPerWindow: number;
  readonly registerWindowMs: number;
  /** Which X-Forwarded-For hops were written by proxies in front of the server. */
  readonly trustProxy: TrustProxy;
  /** log2 of scrypt's N for new password hashes; verification reads it from the stored hash. */
  readonly scryptLogN: number;
  /** Password hashes computed at once, and how many more may wait before sign-ins are refused (503). */
  readonly hashConcurrency: number;
  readonly hashQueue: number;
  /** Live sessions per account; signing in past it ends the oldest. */
  readonly maxSessionsPerAccount: number;
  readonly accountMaxStoredBytes: number;
  readonly pushesPerMinute: number;
  readonly concurrentPushes: number;
  readonly liveStreamsPerAccount: number;
  /** A pull page holds at most this many bytes of actions (and at least one action). */
  readonly pullMaxBytes: number;
  /** Send Strict-Transport-Security on every answer (TLS ends at a proxy in front of the server). */
  readonly servedOverHttps: boolean;
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
  readonly pgLockTimeoutMs: number;
  readonly pgStatementTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
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
    help: 'postgres://user:pass@host:5432/db to use PostgreSQL instead of SQLite; query parameters such as ?max=20 (pool size, of each of the two pools: pushes have their own, 20 by default, the rest 10) or ?search_path=notes are passed to the driver',
  },
  { name: 'TOKEN_TTL_DAYS', default: '30', help: 'lifetime of a session token, in days' },
  { name: 'MAX_SESSIONS_PER_ACCOUNT', default: '20', help: 'signed-in sessions per account; a new sign-in past it ends the oldest' },
  {
    name: 'LOGIN_MAX_ATTEMPTS',
    default: '5',
    help: 'sign-in attempts per account from one address (IPv6: its /64) within LOGIN_WINDOW_SECONDS, counted before the password is checked; a good one is given back',
  },
  {
    name: 'LOGIN_MAX_PER_ACCOUNT',
    default: '20',
    help: 'sign-in attempts per account from all addresses within LOGIN_WINDOW_SECONDS; past it sign-ins wait for the window (429, Retry-After), the account is never locked',
  },
  { name: 'LOGIN_MAX_PER_ADDRESS', default: '100', help: 'sign-in attempts from one address to any accounts within LOGIN_WINDOW_SECONDS' },
  { name: 'LOGIN_WINDOW_SECONDS', default: '300', help: 'window of the sign-in limits (the longest a refused sign-in waits)' },
  { name: 'REGISTER_MAX_PER_HOUR', default: '20', help: 'accounts one address may create per hour' },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    help: 'proxies in front of the server: a hop count (true = 1) or their addresses/CIDR ranges, comma-separated; the client address is then the rightmost X-Forwarded-For hop not written by one',
  },
  { name: 'SCRYPT_LOG_N', default: '17', help: 'scrypt cost for new password hashes, as log2(N), r=8, p=1 (17 is OWASP\'s minimum); weaker hashes are redone at the next sign-in' },
  { name: 'HASH_CONCURRENCY', default: '2', help: 'password hashes computed at once (each takes 128 MiB at N=2^17)' },
  { name: 'HASH_QUEUE', default: '32', help: 'password checks that may wait for HASH_CONCURRENCY; more are refused (503, Retry-After)' },
  { name: 'ACCOUNT_STORAGE_MB', default: '1024', help: 'stored bytes per account; a push past it is refused (storage_full) and stays pending on the device' },
  { name: 'PUSHES_PER_MINUTE', default: '300', help: 'pushes per account per minute (429 rate_limited past it)' },
  { name: 'CONCURRENT_PUSHES', default: '4', help: 'pushes of one account in progress at once on one server instance (429 busy past it)' },
  { name: 'LIVE_STREAMS_PER_ACCOUNT', default: '10', help: 'open /api/sync/events streams per account on one server instance' },
  { name: 'PULL_MAX_BYTES', default: '4194304', help: 'bytes of actions in one pull page (besides the count limit); a page always holds at least one action' },
  { name: 'PG_LOCK_TIMEOUT_MS', default: '5000', help: 'PostgreSQL: how long a push waits for its account\'s lock (lock_timeout) before a 429 busy' },
  { name: 'PG_STATEMENT_TIMEOUT_MS', default: '30000', help: 'PostgreSQL: how long one statement of a push may run (statement_timeout) before a 429 busy' },
  { name: 'HEADERS_TIMEOUT_SECONDS', default: '20', help: 'time a client has to send the request headers' },
  { name: 'REQUEST_TIMEOUT_SECONDS', default: '60', help: 'time a client has to send the whole request (live event streams answer for longer)' },
  { name: 'KEEP_ALIVE_TIMEOUT_SECONDS', default: '5', help: 'idle time before a kept-alive connection is closed (keep it below a proxy\'s)' },
  { name: 'MAX_CONNECTIONS', default: '1000', help: 'open connections at once; more are refused' },
  { name: 'SERVED_OVER_HTTPS', default: 'false', help: 'true when a TLS proxy serves the app over https: send Strict-Transport-Security' },
  { name: 'HEARTBEAT_SECONDS', default: '15', help: 'interval of the keep-alive comment on /api/sync/events (also when a stream rechecks its session)' },
  { name: 'SHUTDOWN_TIMEOUT_SECONDS', default: '10', help: 'on SIGTERM/SIGINT, how long in-flight requests may take before connections are cut' },
  { name: 'DIST_DIR', default: './dist', help: 'the built app to serve (npm run build)' },
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
    `actions per pull page: default ${LIMITS.defaultPullLimit}, at most ${LIMITS.maxPullLimit} (and PULL_MAX_BYTES)`,
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

  const trust = parseTrustProxy(raw('TRUST_PROXY'));
  if ('problem' in trust) problems.push(`TRUST_PROXY must be false, true, a hop count or proxy addresses: ${trust.problem}`);
  const seconds = (name: string, min: number, max: number): number => int(name, min, max) * 1000;

  const config: ServerConfig = {
    port: int('PORT', 0, 65535),
    host: raw('HOST'),
    dataDir: path.resolve(cwd, raw('DATA_DIR')),
    databaseUrl,
    tokenTtlMs: int('TOKEN_TTL_DAYS', 1, 3650) * 24 * 3600 * 1000,
    maxSessionsPerAccount: int('MAX_SESSIONS_PER_ACCOUNT', 1, 10_000),
    loginMaxAttempts: int('LOGIN_MAX_ATTEMPTS', 1, 1_000_000),
    loginMaxPerAccount: int('LOGIN_MAX_PER_ACCOUNT', 1, 1_000_000),
    loginMaxPerAddress: int('LOGIN_MAX_PER_ADDRESS', 1, 1_000_000),
    loginWindowMs: seconds('LOGIN_WINDOW_SECONDS', 1, 86_400),
    registerMaxPerWindow: int('REGISTER_MAX_PER_HOUR', 1, 1_000_000),
    registerWindowMs: 3600 * 1000,
    trustProxy: 'problem' in trust ? { hops: 0 } : trust,
    scryptLogN: int('SCRYPT_LOG_N', 10, 20),
    retentionMs: int('RETENTION_DAYS', 0, 3650) * DAY_MS,
    hashConcurrency: int('HASH_CONCURRENCY', 1, 64),
    hashQueue: int('HASH_QUEUE', 0, 10_000),
    accountMaxStoredBytes: int('ACCOUNT_STORAGE_MB', 1, 1_000_000) * 1024 * 1024,
    pushesPerMinute: int('PUSHES_PER_MINUTE', 1, 1_000_000),
    concurrentPushes: int('CONCURRENT_PUSHES', 1, 1_000),
    liveStreamsPerAccount: int('LIVE_STREAMS_PER_ACCOUNT', 1, 1_000),
    pullMaxBytes: int('PULL_MAX_BYTES', 1024, 1024 ** 3),
    pgLockTimeoutMs: int('PG_LOCK_TIMEOUT_MS', 0, 3_600_000),
    pgStatementTimeoutMs: int('PG_STATEMENT_TIMEOUT_MS', 0, 3_600_000),
    headersTimeoutMs: seconds('HEADERS_TIMEOUT_SECONDS', 1, 3600),
    requestTimeoutMs: seconds('REQUEST_TIMEOUT_SECONDS', 1, 3600),
    keepAliveTimeoutMs: seconds('KEEP_ALIVE_TIMEOUT_SECONDS', 1, 3600),
    maxConnections: int('MAX_CONNECTIONS', 1, 1_000_000),
    servedOverHttps: bool('SERVED_OVER_HTTPS'),
    heartbeatMs: seconds('HEARTBEAT_SECONDS', 1, 3600),
    shutdownTimeoutMs: seconds('SHUTDOWN_TIMEOUT_SECONDS', 0, 3600),
    distDir: path.resolve(cwd, raw('DIST_DIR')),
    logLevel: logLevel as LogLevel,
  };
  if (problems.length > 0) throw new ConfigError(`Invalid settings:\n  ${problems.join('\n  ')}`);
  return config;
}

/** A database URL fit for logs: the password (in the user part or the query) masked. */
export function maskDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@').replace(/([?&](?:password|pass)=)[^&#]*/gi, '$1***');
}

/** Safe to log: the database password is masked. */
export function describeConfig(c: ServerConfig): Record<string, string | number | boolean> {
  return {
    port: c.port,
    host: c.host,
    store: c.databaseUrl ? 'postgres' : 'sqlite',
    ...(c.databaseUrl ? { databaseUrl: maskDatabaseUrl(c.databaseUrl) } : { dataDir: c.dataDir }),
    distDir: c.distDir ?? '',
    tokenTtlDays: c.tokenTtlMs / 86_400_000,
    retentionDays: c.retentionMs / DAY_MS,
    trustProxy: 'hops' in c.trustProxy ? c.trustProxy.hops : c.trustProxy.addresses.join(','),
    scryptLogN: c.scryptLogN,
    servedOverHttps: c.servedOverHttps,
  };
}
