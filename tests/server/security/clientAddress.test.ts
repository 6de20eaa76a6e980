// Which address a request comes from: the rightmost hop no trusted proxy wrote, never the leftmost
// (the client writes that); IPv6 counted by its /64.

import { describe, expect, it } from 'vitest';
import { addressKey, clientAddressResolver, normalise, parseTrustProxy } from '../../../src/server/security/clientAddress';

describe('client address behind proxies', () => {
  it('ignores X-Forwarded-For when no proxy is trusted', () => {
    const of = clientAddressResolver({ hops: 0 });
    expect(of('203.0.113.7', '1.2.3.4')).toBe('203.0.113.7');
    expect(of(undefined, undefined)).toBe('unknown');
  });

  it('with a hop count, takes the hop that many proxies in from the socket, whatever the client prepends', () => {
    const one = clientAddressResolver({ hops: 1 });
    // The proxy appended what it saw (198.51.100.9) to what the client sent.
    expect(one('10.0.0.2', '6.6.6.6, 7.7.7.7, 198.51.100.9')).toBe('198.51.100.9');
    expect(one('10.0.0.2', '198.51.100.9')).toBe('198.51.100.9');
    const two = clientAddressResolver({ hops: 2 });
    expect(two('10.0.0.2', '6.6.6.6, 198.51.100.9, 10.0.0.3')).toBe('198.51.100.9');
    // Fewer hops than proxies: the leftmost there is, never beyond it.
    expect(two('10.0.0.2', undefined)).toBe('10.0.0.2');
  });

  it('with a proxy list, takes the rightmost hop that is not one of them', () => {
    const of = clientAddressResolver({ addresses: ['10.0.0.0/8', '2001:db8::1'] });
    expect(of('10.1.2.3', '6.6.6.6, 198.51.100.9, 10.4.5.6')).toBe('198.51.100.9');
    expect(of('2001:db8::1', '2001:db8:aa::5')).toBe('2001:db8:aa::5');
    // A socket that is no proxy of ours: its own address, whatever the header says.
    expect(of('198.51.100.20', '6.6.6.6')).toBe('198.51.100.20');
  });

  it('normalises hops: ports, brackets, IPv4-mapped IPv6, junk clipped', () => {
    expect(normalise('[2001:DB8::5]:443')).toBe('2001:db8::5');
    expect(normalise('198.51.100.9:5000')).toBe('198.51.100.9');
    expect(normalise('::ffff:198.51.100.9')).toBe('198.51.100.9');
    expect(normalise('x'.repeat(500))).toHaveLength(64);
  });

  it('keys IPv6 by its /64 and IPv4 as it is', () => {
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::198.51.100.9')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('198.51.100.9')).toBe('198.51.100.9');
  });

  it('parses TRUST_PROXY', () => {
    expect(parseTrustProxy('true')).toEqual({ hops: 1 });
    expect(parseTrustProxy('3')).toEqual({ hops: 3 });
    expect(parseTrustProxy('10.0.0.1,fd00::/8')).toEqual({ addresses: ['10.0.0.1', 'fd00::/8'] });
    expect(parseTrustProxy('99')).toHaveProperty('problem');
    expect(parseTrustProxy('10.0.0.1/33')).toHaveProperty('problem');
  });
});
