// PostgreSQL for the bench: DATABASE_URL, else TEST_DATABASE_URL, else the local database .ci/run
// sets up (trust auth, database `test`), measured only when it answers. Each measurement gets a
// schema of its own, dropped after, so runs never see each other's rows (or another agent's tests').

import postgres from 'postgres';

/** The URL .ci/run exports as TEST_DATABASE_URL. */
export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresTarget = { readonly url: string; readonly shown: string } | { readonly url: null; readonly why: string };

/** The URL without its password, for logs and reports. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** Which PostgreSQL the bench measures, or why none: a short probe (SELECT 1 within a few seconds). */
export async function findPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresTarget> {
  const from = env.DATABASE_URL ? 'DATABASE_URL' : env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : null;
  const url = env.DATABASE_URL || env.TEST_DATABASE_URL || LOCAL_DATABASE_URL;
  const sql = postgres(url, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    return { url, shown: shownUrl(url) };
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const where = from ? `${from} (${shownUrl(url)})` : `the local database ${shownUrl(url)} (neither DATABASE_URL nor TEST_DATABASE_URL is set)`;
    return { url: null, why: `PostgreSQL did not answer at ${where}: ${message}` };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}

/** `url` with its search_path set to `schema` (the server passes URL parameters to the driver). */
export function inSchema(url: string, schema: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}search_path=${schema}`;
}

/** Runs `body` with the URL of a new, empty schema; drops the schema afterwards, whatever happens. */
export async function withSchema<T>(url: string, label: string, body: (scopedUrl: string) => Promise<T>): Promise<T> {
  const schema = `notes_bench_${label.replace(/\W/g, '_')}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
    return await body(inSchema(url, schema));
  } finally {
    await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end({ timeout: 5 });
  }
}
