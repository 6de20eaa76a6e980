// Structured logs: one JSON object per line. Callers pass facts (method, path, status, ms), never
// tokens, passwords or request bodies.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function jsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  now: () => number = Date.now,
): Logger {
  const log = (at: Exclude<LogLevel, 'silent'>) => (msg: string, fields: LogFields = {}) => {
    if (order[at] < order[level]) return;
    write(JSON.stringify({ time: new Date(now()).toISOString(), level: at, msg, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = jsonLogger('silent', () => {});

/** The message of an unknown thrown value, for logs. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
