// An independent reader for the tests: walks a .zip from its end record through the central
// directory to each local header, as unzip does, and checks what the writer promised (stored,
// UTF-8 names, sizes and CRC-32 that match the data).

import { crc32 } from '../../../src/worker/files/zip';

export interface ReadEntry {
  readonly name: string;
  readonly data: Uint8Array;
  readonly crc: number;
  readonly flags: number;
  readonly method: number;
  readonly dosDate: number;
  readonly dosTime: number;
}

export function readZip(zip: Uint8Array): ReadEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let end = -1;
  for (let i = zip.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('no end of central directory record');
  let entries = view.getUint16(end + 10, true);
  let cdSize = view.getUint32(end + 12, true);
  let cdOffset = view.getUint32(end + 16, true);
  if (entries === 0xffff) {
    const locator = end - 20;
    if (view.getUint32(locator, true) !== 0x07064b50) throw new Error('entry count 0xFFFF without a Zip64 locator');
    const record = Number(view.getBigUint64(locator + 8, true));
    if (view.getUint32(record, true) !== 0x06064b50) throw new Error('bad Zip64 end record');
    entries = Number(view.getBigUint64(record + 32, true));
    cdSize = Number(view.getBigUint64(record + 40, true));
    cdOffset = Number(view.getBigUint64(record + 48, true));
  }
  const out: ReadEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < entries; i++) {
    if (view.getUint32(at, true) !== 0x02014b50) throw new Error(`central header ${i}: bad signature`);
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const dosTime = view.getUint16(at + 12, true);
    const dosDate = view.getUint16(at + 14, true);
    const crc = view.getUint32(at + 16, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;

    if (view.getUint32(local, true) !== 0x04034b50) throw new Error(`${name}: bad local header signature`);
    if (view.getUint32(local + 14, true) !== crc) throw new Error(`${name}: local and central CRC differ`);
    const localNameLength = view.getUint16(local + 26, true);
    const localExtra = view.getUint16(local + 28, true);
    if (decoder.decode(zip.subarray(local + 30, local + 30 + localNameLength)) !== name) throw new Error(`${name}: local name differs`);
    const dataStart = local + 30 + localNameLength + localExtra;
    const data = zip.subarray(dataStart, dataStart + size);
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    out.push({ name, data, crc, flags, method, dosDate, dosTime });
  }
  if (at - cdOffset !== cdSize) throw new Error('central directory size mismatch');
  return out;
}
