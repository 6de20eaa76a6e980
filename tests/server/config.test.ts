// Settings from the environment: defaults, clear errors, nothing secret in what gets logged.

import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/server/config';

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
      trustProxy: false,
      retentionMs: 30 * 86_400_000,
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
      trustProxy: true,
      heartbeatMs: 30_000,
      shutdownTimeoutMs: 2_000,
      distDir: '/app/build',
      scryptLogN: 14,
      logLevel: 'warn',
      retentionMs: 7 * 86_400_000,
    });
    expect(JSON.stringify(describeConfig(c))).not.toContain('hunter2');
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
