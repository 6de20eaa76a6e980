// Which address a request comes from, for rate limits and security logs (DESIGN.md section 7).
//
// Behind proxies, X-Forwarded-For is a list each proxy appends to: its leftmost entries are written
// by the client and prove nothing. The client address is the rightmost hop not written by a proxy
// we trust, counted from the socket: TRUST_PROXY is either how many proxies stand in front of the
// server, or the list of their addresses (CIDR ranges allowed).
//
// Limits key an IPv6 address by its /64: one home or phone gets a whole /64, and would otherwise
// have 2^64 fresh keys to spend.

import { BlockList, isIP } from 'node:net';

export type TrustProxy = { readonly hops: number } | { readonly addresses: readonly string[] };

export const NO_PROXY: TrustProxy = { hops: 0 };

const MAX_HOPS = 16;

/** TRUST_PROXY's text: false/0 (none), true (1), a hop count, or addresses/ranges separated by commas. */
export function parseTrustProxy(text: string): TrustProxy | { readonly problem: string } {
  const t = text.trim().toLowerCase();
  if (['', 'false', 'no', '0'].includes(t)) return { hops: 0 };
  if (['true', 'yes'].includes(t)) return { hops: 1 };
  if (/^\d+$/.test(t)) {
    const hops = Number(t);
    return hops <= MAX_HOPS ? { hops } : { problem: `at most ${MAX_HOPS} proxy hops` };
  }
  const addresses = t.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = addresses.find((a) => !validRange(a));
  if (bad !== undefined) return { problem: `${JSON.stringify(bad.slice(0, 60))} is not an IP address or CIDR range` };
  return { addresses };
}

function validRange(a: string): boolean {
  const [ip, bits, ...rest] = a.split('/');
  if (rest.length > 0 || ip === undefined) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
  return n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** Decides, per hop, whether a trusted proxy wrote it. Compiled once per app. */
export type ClientAddressOf = (socketAddress: string | undefined, forwardedFor: string | undefined) => string;

export function clientAddressResolver(trust: TrustProxy): ClientAddressOf {
  if ('hops' in trust) {
    return (socket, forwarded) => {
      const chain = hopsOf(socket, forwarded);
      return chain[Math.max(0, chain.length - 1 - trust.hops)]!;
    };
  }
  const list = new BlockList();
  for (const a of trust.addresses) {
    const [ip, bits] = a.split('/') as [string, string | undefined];
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  const trusted = (hop: string): boolean => {
    const family = isIP(hop);
    return family !== 0 && list.check(hop, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (socket, forwarded) => {
    const chain = hopsOf(socket, forwarded);
    for (let i = chain.length - 1; i > 0; i--) if (!trusted(chain[i]!)) return chain[i]!;
    return chain[0]!;
  };
}

/** [...X-Forwarded-For hops, the socket's peer], each normalised; never empty. */
function hopsOf(socket: string | undefined, forwarded: string | undefined): string[] {
  const hops = (forwarded ?? '')
    .split(',')
    .slice(-MAX_HOPS - 1)
    .map((h) => normalise(h.trim()))
    .filter((h) => h !== '');
  hops.push(normalise(socket ?? '') || 'unknown');
  return hops;
}

/** Plain address: brackets and ports removed, IPv4-mapped IPv6 as IPv4; anything else clipped. */
export function normalise(hop: string): string {
  let h = hop;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (bracketed) h = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(h)) h = h.slice(0, h.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(h);
  if (mapped) h = mapped[1]!;
  return isIP(h) === 0 ? h.slice(0, 64) : h.toLowerCase();
}

/** What limits count by: an IPv4 address as it is, an IPv6 address by its /64. */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  let s = address.toLowerCase().split('%')[0]!;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
