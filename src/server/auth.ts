// Secrets: scrypt password hashes with a per-user salt, and opaque session tokens that are stored
// only as their sha256 (a leaked table does not hand out sessions).

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const R = 8;
const P = 1;

function scryptAsync(password: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r: R, p: P, maxmem: 256 * N * R };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$<logN>$<r>$<p>$<salt>$<key>` (base64url): parameters travel with the hash. */
export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptAsync(password, salt, logN);
  return ['scrypt', logN, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt' || Number(parts[2]) !== R || Number(parts[3]) !== P) return false;
  const logN = Number(parts[1]);
  if (!Number.isInteger(logN) || logN < 10 || logN > 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(parts[4]!, 'base64url'), logN);
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

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Tokens are 43 base64url characters; anything else is rejected before touching the database. */
export function looksLikeToken(s: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(s);
}
