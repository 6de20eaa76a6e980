// Secrets: scrypt password hashes with a per-user salt, and opaque session tokens that are stored
// only as their sha256 (a leaked table does not hand out sessions).

import { hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ScryptParams {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1. */
export const OWASP_SCRYPT: ScryptParams = { logN: 17, r: 8, p: 1 };

/** New hashes use r=8, p=1 and the configured N. */
export const paramsFor = (logN: number): ScryptParams => ({ logN, r: OWASP_SCRYPT.r, p: OWASP_SCRYPT.p });

/** The most memory one verification may take (scrypt needs 128 * N * r bytes): 2^20 * 8 * 128. */
const MAX_MEMORY = 1024 ** 3;

function scryptAsync(password: string, salt: Buffer, { logN, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$<logN>$<r>$<p>$<salt>$<key>` (base64url): the parameters travel with the hash. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const params = paramsFor(logN);
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, params);
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** The parameters a stored hash was made with; undefined for anything that is not a hash we can verify. */
export function hashParams(stored: string): ScryptParams | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [logN, r, p] = parts.slice(1, 4).map((x) => (/^\d{1,2}$/.test(x) ? Number(x) : NaN)) as [number, number, number];
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return undefined;
  if (128 * 2 ** logN * r > MAX_MEMORY) return undefined;
  return { logN, r, p };
}

/** Whether a hash made with `stored` is weaker than one made now with `target` would be. */
export function weakerThan(stored: ScryptParams, target: ScryptParams): boolean {
  return stored.logN < target.logN || stored.r < target.r || stored.p < target.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = hashParams(stored);
  if (!params) return false;
  const parts = stored.split('$');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(parts[4]!, 'base64url'), params);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

let dummyHash: { logN: number; hash: Promise<string> } | undefined;

/**
 * Spend the same work as a real verification when the username does not exist, so response times
 * do not tell which usernames are registered.
 */
export async function verifyAgainstNothing(password: string, logN: number): Promise<false> {
  if (dummyHash?.logN !== logN) dummyHash = { logN, hash: hashPassword('not a password of anyone', logN) };
  await verifyPassword(password, await dummyHash.hash);
  return false;
}

/** 256 random bits, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token's sha256 (hex). crypto.hash, one call instead of a Hash object per request (every request with a token hashes it). */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Tokens are 43 base64url characters; anything else is rejected before touching the database. */
export function looksLikeToken(s: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(s);
}
