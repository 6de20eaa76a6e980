// Hybrid logical clock (Kulkarni et al.), serialised so that plain string comparison is the clock
// order: `<ms: 15 digits>:<counter: 5 digits>:<clientId>`. The clock source is injected; nothing here
// reads Date.now(), so tests can run clients with arbitrary skew.
//
// Invariants:
// - send() and receive() return a clock strictly greater than the one they were given.
// - receive() returns a clock greater than the remote one, so the next local stamp orders after
//   everything this node has seen (causality survives clock skew).

export interface Hlc {
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

export const MAX_COUNTER = 99_999;
const MS_DIGITS = 15;
const COUNTER_DIGITS = 5;
const HLC_PATTERN = /^(\d{15}):(\d{5}):([0-9A-Za-z-]{1,64})$/;

export class HlcError extends Error {
  override name = 'HlcError';
}

export function formatHlc(h: Hlc): string {
  return `${String(h.ms).padStart(MS_DIGITS, '0')}:${String(h.counter).padStart(COUNTER_DIGITS, '0')}:${h.node}`;
}

export function parseHlc(s: string): Hlc {
  const m = HLC_PATTERN.exec(s);
  if (!m) throw new HlcError(`not an HLC stamp: ${JSON.stringify(s.slice(0, 100))}`);
  return { ms: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

export function isHlc(s: string): boolean {
  return HLC_PATTERN.test(s);
}

export function initialHlc(node: string): Hlc {
  return { ms: 0, counter: 0, node };
}

/** Wrap the counter into the next millisecond instead of overflowing its 5 digits. */
function normalise(ms: number, counter: number, node: string): Hlc {
  return counter > MAX_COUNTER ? { ms: ms + 1, counter: 0, node } : { ms, counter, node };
}

/** The stamp for a local event at wall time `now`. */
export function sendHlc(last: Hlc, now: number): Hlc {
  const ms = Math.max(Math.floor(now), last.ms);
  return normalise(ms, ms === last.ms ? last.counter + 1 : 0, last.node);
}

/** Fold a remote clock in: the result orders after both `last` and `remote`. */
export function receiveHlc(last: Hlc, remote: Pick<Hlc, 'ms' | 'counter'>, now: number): Hlc {
  const ms = Math.max(Math.floor(now), last.ms, remote.ms);
  let counter: number;
  if (ms === last.ms && ms === remote.ms) counter = Math.max(last.counter, remote.counter) + 1;
  else if (ms === last.ms) counter = last.counter + 1;
  else if (ms === remote.ms) counter = remote.counter + 1;
  else counter = 0;
  return normalise(ms, counter, last.node);
}

/** The greater of two clocks (used to restore a clock from persisted stamps). */
export function maxHlc(a: Hlc, b: Pick<Hlc, 'ms' | 'counter'>): Hlc {
  if (b.ms > a.ms || (b.ms === a.ms && b.counter > a.counter)) return { ms: b.ms, counter: b.counter, node: a.node };
  return a;
}
