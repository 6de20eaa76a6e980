// `npm start`: build the app if dist/ is missing, start the server, print its URL, and shut down
// gracefully on SIGTERM/SIGINT. Settings come from the environment; --help lists them.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OWASP_SCRYPT } from './auth';
import { ConfigError, describeConfig, limitsHelp, loadConfig, settings, type ServerConfig } from './config';
import { errorMessage, jsonLogger } from './logger';
import { startServer } from './server';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function helpText(): string {
  const width = Math.max(...settings.map((s) => s.name.length));
  return [
    'Notes sync server: the sync API and the built app from one origin.',
    '',
    'Usage: npm start [-- --no-build]      (or: tsx src/server/cli.ts [--help] [--no-build])',
    '',
    'Options:',
    '  --help       print this help and exit',
    '  --no-build   do not run `vite build` when the app is not built; serve the API only',
    '',
    'Settings (environment variables, default in brackets):',
    ...settings.map((s) => `  ${s.name.padEnd(width)}  ${s.help}${s.default ? ` [${s.default}]` : ''}`),
    '',
    'Limits (fixed by the protocol, src/sync/protocol.ts):',
    ...limitsHelp().map((l) => `  ${l}`),
    '',
    'Every API call takes its token as Authorization: Bearer, never in the URL (live events too:',
    'the app reads GET /api/sync/events with fetch). API posts must be Content-Type: application/json.',
    'Request logs never include query strings; security events name the client address, never a secret.',
    '',
    'Stop with SIGTERM or Ctrl-C: the server stops accepting, ends event streams, finishes',
    'in-flight requests (up to SHUTDOWN_TIMEOUT_SECONDS) and closes the database.',
  ].join('\n');
}

function ensureBuilt(config: ServerConfig, build: boolean): boolean {
  if (config.distDir === null || fs.existsSync(path.join(config.distDir, 'index.html'))) return true;
  if (!build) return false;
  console.error(`The app is not built (${config.distDir}); running vite build...`);
  const vite = path.join(projectRoot, 'node_modules', '.bin', 'vite');
  const outDir = path.relative(projectRoot, config.distDir) || '.';
  const result = spawnSync(vite, ['build', '--outDir', outDir], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal ?? 'unknown'})`);
  return true;
}

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--help' && a !== '-h' && a !== '--no-build');
  if (argv.includes('--help') || argv.includes('-h') || unknown.length > 0) {
    if (unknown.length > 0) console.error(`Unknown option: ${unknown.join(' ')}\n`);
    console.log(helpText());
    return unknown.length > 0 ? 2 : 0;
  }

  let config: ServerConfig;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`${e.message}\n\nRun with --help to see every setting.`);
      return 2;
    }
    throw e;
  }
  const logger = jsonLogger(config.logLevel);
  const built = ensureBuilt(config, !argv.includes('--no-build'));
  if (!built) logger.warn('the app is not built: serving the API only', { distDir: config.distDir ?? '' });

  const server = await startServer(config, { logger });
  logger.info('listening', { url: server.url, ...describeConfig(config) });
  if (config.scryptLogN < OWASP_SCRYPT.logN) {
    logger.warn('SCRYPT_LOG_N is below OWASP\'s minimum: new password hashes are weaker than recommended', { scryptLogN: config.scryptLogN, minimum: OWASP_SCRYPT.logN });
  }
  console.log(`Notes is running at ${server.url}`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      stopping = true;
      logger.info('shutting down', { signal });
      server.close().then(resolve, (e: unknown) => {
        logger.error('shutdown failed', { error: errorMessage(e) });
        process.exit(1);
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  logger.info('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`The server could not start: ${errorMessage(e)}`);
    process.exit(1);
  },
);
