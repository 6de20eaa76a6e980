// A minimal .zip writer: entries stored uncompressed (method 0, "STORE") with their CRC-32, names
// in UTF-8 (general purpose flag bit 11), as APPNOTE.TXT (PKWARE's .ZIP File Format Specification)
// describes. Notes are small text; a store-only archive opens everywhere and keeps this a page of
// code instead of a dependency. Past 65,535 entries the end record gets its Zip64 form (the only
// Zip64 limit an in-memory archive of notes can reach); the archive itself must stay under 4 GiB.
//
// Layout: [local header, name, data] per entry, then the central directory (one header per entry,
// pointing at its local header), then the end-of-central-directory record.

export interface ZipEntry {
  /** Path inside the archive, '/'-separated. Must be unique. */
  readonly name: string;
  readonly data: Uint8Array;
  /** Wall-clock ms shown as the file's modification time (UTC fields; zip has no time zone). */
  readonly modifiedAt?: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const UTF8_NAMES = 0x0800;
const VERSION_STORE = 20;
const VERSION_ZIP64 = 45;
const MADE_BY_UNIX = 3 << 8;
const REGULAR_FILE_0644 = 0o100644;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip and gzip use it. */
export function crc32(data: Uint8Array, previous = 0): number {
  let c = (previous ^ MAX_32) >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ MAX_32) >>> 0;
}

/** MS-DOS date and time (2-second resolution, years 1980..2107), from the UTC fields of `ms`. */
export function dosDateTime(ms: number): { date: number; time: number } {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  const year = d.getUTCFullYear();
  if (year < 1980) return { date: (1 << 5) | 1, time: 0 };
  if (year > 2107) return { date: (127 << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 };
  return {
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

/** Builds the whole archive in memory. Throws on duplicate or over-long names, or past 4 GiB. */
export function zipStore(entries: readonly ZipEntry[]): Uint8Array {
  const encoder = new TextEncoder();
  const seen = new Set<string>();
  const prepared = entries.map((e) => {
    if (seen.has(e.name)) throw new Error(`zip: duplicate entry name ${JSON.stringify(e.name)}`);
    seen.add(e.name);
    const name = encoder.encode(e.name);
    if (name.length === 0 || name.length > MAX_16) throw new Error('zip: an entry name must be 1 to 65,535 bytes');
    return { name, data: e.data, crc: crc32(e.data), ...dosDateTime(e.modifiedAt ?? 0) };
  });

  const localSize = prepared.reduce((n, e) => n + 30 + e.name.length + e.data.length, 0);
  const centralSize = prepared.reduce((n, e) => n + 46 + e.name.length, 0);
  const zip64 = prepared.length > MAX_16;
  const endSize = (zip64 ? 56 + 20 : 0) + 22;
  const total = localSize + centralSize + endSize;
  if (localSize + centralSize > MAX_32) throw new Error('zip: the archive would be larger than 4 GiB');

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v >>> 0, true);
    at += 4;
  };
  const u64 = (v: number) => {
    view.setBigUint64(at, BigInt(v), true);
    at += 8;
  };
  const bytes = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };

  const offsets: number[] = [];
  for (const e of prepared) {
    offsets.push(at);
    u32(LOCAL_HEADER);
    u16(VERSION_STORE);
    u16(UTF8_NAMES);
    u16(0); // method: stored
    u16(e.time);
    u16(e.date);
    u32(e.crc);
    u32(e.data.length); // compressed size
    u32(e.data.length); // uncompressed size
    u16(e.name.length);
    u16(0); // extra field length
    bytes(e.name);
    bytes(e.data);
  }

  const centralStart = at;
  prepared.forEach((e, i) => {
    u32(CENTRAL_HEADER);
    // Made by: Unix, spec 2.0. Unzip tools convert the names of archives "made by" MS-DOS from an
    // OEM code page even when the UTF-8 flag is set; Unix names are taken as they are.
    u16(MADE_BY_UNIX | VERSION_STORE);
    u16(VERSION_STORE);
    u16(UTF8_NAMES);
    u16(0);
    u16(e.time);
    u16(e.date);
    u32(e.crc);
    u32(e.data.length);
    u32(e.data.length);
    u16(e.name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk number start
    u16(0); // internal attributes
    u32(REGULAR_FILE_0644 * 0x10000); // external attributes: Unix mode in the high half
    u32(offsets[i]!);
    bytes(e.name);
  });
  const centralLength = at - centralStart;

  if (zip64) {
    const recordStart = at;
    u32(ZIP64_END_OF_CENTRAL_DIRECTORY);
    u64(44); // size of the rest of this record
    u16(VERSION_ZIP64);
    u16(VERSION_ZIP64);
    u32(0); // this disk
    u32(0); // disk with the central directory
    u64(prepared.length);
    u64(prepared.length);
    u64(centralLength);
    u64(centralStart);
    u32(ZIP64_END_LOCATOR);
    u32(0);
    u64(recordStart);
    u32(1); // total disks
  }
  u32(END_OF_CENTRAL_DIRECTORY);
  u16(0);
  u16(0);
  u16(Math.min(prepared.length, MAX_16));
  u16(Math.min(prepared.length, MAX_16));
  u32(centralLength);
  u32(centralStart);
  u16(0); // comment length
  return out;
}
