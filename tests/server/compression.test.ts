// Content negotiation for the compressed static files (RFC 9110 section 12.5.3).

import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../src/server/compression';

describe('negotiateEncoding', () => {
  it('picks the acceptable encoding with the highest q-value, brotli on a tie, identity when none', () => {
    const cases: [string | undefined, 'br' | 'gzip' | null][] = [
      [undefined, null],
      ['', null],
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip, deflate', 'gzip'],
      ['GZIP', 'gzip'],
      ['br;q=0.2, gzip;q=0.8', 'gzip'],
      ['gzip;q=0.5, br;q=0.5', 'br'],
      ['br; q=0, gzip', 'gzip'],
      ['br;q=0, gzip;q=0', null],
      ['*', 'br'],
      ['*;q=0.1, br;q=0', 'gzip'],
      ['identity', null],
      ['gzip;q=nonsense', 'gzip'],
    ];
    for (const [header, expected] of cases) expect(negotiateEncoding(header), String(header)).toBe(expected);
  });
});
