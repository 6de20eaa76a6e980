// Settings from the environment: defaults, clear errors, nothing secret in what gets logged.

import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, maskDatabaseUrl } from '../../src/server/config';

describe('server settings', () => {
  it('has working defaults: SQLite under ./data on port 8787', () => {
    const c = loadConfig({}, '/srv/notes');
    expect(c).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      dataDir: '/srv/notes/data',
      databaseUrl: null,
      distDir: '/srv/notes/dist',
      tokenTtlMs: 30 * 86_400_000,
      heartbeatMs: 15_000,
      trustProxy: { hops: 0 },
      retentionMs: 30 * 86_400_000,
      scryptLogN: 17,
      loginMaxAttempts: 5,
      loginMaxPerAccount: 20,
      loginWindowMs: 300_000,
      hashConcurrency: 2,
      maxSessionsPerAccount: 20,
      accountMaxStoredBytes: 1024 * 1024 * 1024,
      pullMaxBytes: 4 * 1024 * 1024,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1_000,
      servedOverHttps: false,
    });
  });

  it('reads every setting', () => {
    const c = loadConfig(
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        DATA_DIR: '/var/lib/notes',
        DATABASE_URL: 'postgres://app:hunter2@db:5432/notes?max=20',
        TOKEN_TTL_DAYS: '7',
        LOGIN_MAX_ATTEMPTS: '5',
        LOGIN_WINDOW_SECONDS: '60',
        REGISTER_MAX_PER_HOUR: '3',
        TRUST_PROXY: 'true',
        LOGIN_MAX_PER_ACCOUNT: '40',
        LOGIN_MAX_PER_ADDRESS: '60',
        HASH_CONCURRENCY: '3',
        HASH_QUEUE: '7',
        MAX_SESSIONS_PER_ACCOUNT: '4',
        ACCOUNT_STORAGE_MB: '2',
        PUSHES_PER_MINUTE: '9',
        CONCURRENT_PUSHES: '2',
        LIVE_STREAMS_PER_ACCOUNT: '3',
        PULL_MAX_BYTES: '65536',
        PG_LOCK_TIMEOUT_MS: '250',
        PG_STATEMENT_TIMEOUT_MS: '900',
        HEADERS_TIMEOUT_SECONDS: '4',
        REQUEST_TIMEOUT_SECONDS: '8',
        KEEP_ALIVE_TIMEOUT_SECONDS: '3',
        MAX_CONNECTIONS: '50',
        SERVED_OVER_HTTPS: 'yes',
        HEARTBEAT_SECONDS: '30',
        SHUTDOWN_TIMEOUT_SECONDS: '2',
        DIST_DIR: 'build',
        SCRYPT_LOG_N: '14',
        LOG_LEVEL: 'warn',
        RETENTION_DAYS: '7',
      },
      '/app',
    );
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/notes',
      databaseUrl: 'postgres://app:hunter2@db:5432/notes?max=20',
      tokenTtlMs: 7 * 86_400_000,
      loginMaxAttempts: 5,
      loginWindowMs: 60_000,
      registerMaxPerWindow: 3,
      trustProxy: { hops: 1 },
      loginMaxPerAccount: 40,
      loginMaxPerAddress: 60,
      hashConcurrency: 3,
      hashQueue: 7,
      maxSessionsPerAccount: 4,
      accountMaxStoredBytes: 2 * 1024 * 1024,
      pushesPerMinute: 9,
      concurrentPushes: 2,
      liveStreamsPerAccount: 3,
      pullMaxBytes: 65_536,
      pgLockTimeoutMs: 250,
      pgStatementTimeoutMs: 900,
      headersTimeoutMs: 4_000,
      requestTimeoutMs: 8_000,
      keepAliveTimeoutMs: 3_000,
      maxConnections: 50,
      servedOverHttps: true,
      heartbeatMs: 30_000,
      shutdownTimeoutMs: 2_000,
      distDir: '/app/build',
      scryptLogN: 14,
      logLevel: 'warn',
      retentionMs: 7 * 86_400_000,
    });
    expect(JSON.stringify(describeConfig(c))).not.toContain('hunter2');
  });

  it('takes TRUST_PROXY as a hop count or as proxy addresses and ranges', () => {
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toEqual({ hops: 0 });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 2001:db8::1' }).trustProxy).toEqual({ addresses: ['10.0.0.0/8', '2001:db8::1'] });
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/99' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY/);
  });

  it('masks the database password wherever the URL carries it', () => {
    for (const url of ['postgres://app:s3cret-pw@db/notes', 'postgres://app@db/notes?password=s3cret-pw&max=5', 'postgres://app:s3cret-pw@db/notes?sslmode=require']) {
      const described = JSON.stringify(describeConfig(loadConfig({ DATABASE_URL: url })));
      expect(described).not.toContain('s3cret-pw');
      expect(described).toContain('***');
    }
    expect(maskDatabaseUrl('postgres://app@db/notes?max=5')).toBe('postgres://app@db/notes?max=5');
  });

  it('reports every bad setting at once, by name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', TRUST_PROXY: 'maybe', LOG_LEVEL: 'loud', RETENTION_DAYS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'TRUST_PROXY', 'LOG_LEVEL', 'RETENTION_DAYS']) expect(message).toContain(name);
  });

  it('RETENTION_DAYS=0 deletes covered history at once', () => {
    expect(loadConfig({ RETENTION_DAYS: '0' }).retentionMs).toBe(0);
    expect(describeConfig(loadConfig({ RETENTION_DAYS: '0' }))).toMatchObject({ retentionDays: 0 });
  });
});
