// A stamp totally orders every write: `<hlc>|<actionId>`. The HLC already ends with the clientId, so
// string order is (time, counter, clientId, actionId): ties between devices break by clientId, and
// two actions of one device can never tie because their ids differ.

import type { Action } from './action';
import { parseHlc } from './hlc';

export type Stamp = string;

export function stampOf(action: Pick<Action, 'hlc' | 'id'>): Stamp {
  return `${action.hlc}|${action.id}`;
}

export function compareStamps(a: Stamp, b: Stamp): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxStamp(a: Stamp | null, b: Stamp | null): Stamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

export function minStamp(a: Stamp | null, b: Stamp | null): Stamp | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** The device that wrote a stamp. */
export function stampClientId(stamp: Stamp): string {
  return parseHlc(stamp.slice(0, stamp.indexOf('|'))).node;
}

/** Wall-clock milliseconds of a stamp (for "last changed" displays and ordering). */
export function stampMs(stamp: Stamp): number {
  return Number(stamp.slice(0, 15));
}
