// The built app's text files (HTML, JS, CSS, JSON, the manifest, wasm, SVG), compressed with brotli
// and gzip once per version of each file and kept in memory; staticRoutes.ts serves the variant the
// request's Accept-Encoding allows.
//
// Why here rather than .br/.gz files written at build: a file changed in place (a deploy copied over
// a running server, or the update test appending to sw.js) is seen on its next request, keyed by
// size and modification time, with no stale precompressed sibling to be served instead; and dist/
// stays exactly what vite-plugin-pwa precaches. The cost is a moment of CPU per file per process.
//
// Two brotli passes, measured on the 880 kB sqlite3.wasm: quality 5 takes ~70 ms (390 kB), quality 11
// ~3 s (353 kB). A request never waits for the slow one: the first request of a file gets quality 5
// (and gzip level 9, ~50 ms), and quality 11 replaces it in the background, one file at a time so the
// libuv thread pool stays free for the rest of the server (scrypt, file reads).

import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type Encoding = 'br' | 'gzip';

/** Text formats worth compressing; images and fonts here are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.webmanifest', '.wasm', '.svg', '.txt', '.xml']);
/** Larger files are served as they are rather than held in memory. */
const MAX_BYTES = 32 * 1024 * 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const brotliAt = (data: Buffer, quality: number): Promise<Buffer> =>
  brotli(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } });

export function isCompressible(file: string): boolean {
  return COMPRESSIBLE.has(path.extname(file).toLowerCase());
}

/**
 * The encoding to answer with for an Accept-Encoding header (RFC 9110 12.5.3): the acceptable one
 * with the highest q-value, brotli on a tie (it is smaller); null for identity. `q=0` refuses an
 * encoding, `*` stands for those not named, and no header means identity.
 */
export function negotiateEncoding(header: string | undefined): Encoding | null {
  if (header === undefined) return null;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    const q = params.map((p) => /^q=([01](?:\.\d{0,3})?)$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q));
  }
  const weight = (e: Encoding) => weights.get(e) ?? weights.get('*') ?? 0;
  const best = weight('br') >= weight('gzip') ? 'br' : 'gzip';
  return weight(best) > 0 ? best : null;
}

/** A file's encoded forms; one is absent when it would not be smaller than the file itself. */
export interface Variants {
  br?: Uint8Array<ArrayBuffer>;
  gzip?: Uint8Array<ArrayBuffer>;
}

interface Version {
  readonly key: string;
  readonly variants: Promise<Variants | null>;
}

export class CompressedFiles {
  private readonly versions = new Map<string, Version>();
  private upgrades: Promise<void> = Promise.resolve();

  /** The variants of `file` as it is now (`stats` from a stat just made); null if it is not held. */
  variants(file: string, stats: { size: number; mtimeMs: number }): Promise<Variants | null> {
    const key = `${stats.size}:${stats.mtimeMs}`;
    let version = this.versions.get(file);
    if (version?.key !== key) {
      version = this.newVersion(file, key, stats.size);
      this.versions.set(file, version);
    }
    return version.variants;
  }

  /** Compresses every compressible file under `root` ahead of the first request for it. */
  async warm(root: string): Promise<void> {
    const names = await fs.readdir(root, { recursive: true }).catch(() => []);
    for (const name of names.filter(isCompressible)) {
      const file = path.join(root, name);
      const stats = await fs.stat(file).catch(() => null);
      if (stats?.isFile()) await this.variants(file, stats);
    }
  }

  /** Settles once every background pass scheduled so far has run. */
  idle(): Promise<void> {
    return this.upgrades;
  }

  private newVersion(file: string, key: string, size: number): Version {
    const compressed = compress(file, size);
    const version: Version = { key, variants: compressed.then((c) => c?.variants ?? null) };
    void compressed.then((c) => {
      if (this.versions.get(file) !== version) return;
      // Not held (unreadable, too large): forgotten, so the next request tries again.
      if (c === null) return void this.versions.delete(file);
      this.upgrades = this.upgrades.then(async () => {
        // Skipped when the file has changed since: its new version has its own pass.
        if (this.versions.get(file) !== version) return;
        const best = await brotliAt(c.data, 11).catch(() => undefined);
        if (best !== undefined && best.length < (c.variants.br ?? c.data).length) c.variants.br = new Uint8Array(best);
      });
    });
    return version;
  }
}

async function compress(file: string, size: number): Promise<{ data: Buffer; variants: Variants } | null> {
  if (size > MAX_BYTES) return null;
  try {
    const data = await fs.readFile(file);
    const [br, gz] = await Promise.all([brotliAt(data, 5), gzip(data, { level: 9 })]);
    // (Copied out of the Buffer once, into the plain ArrayBuffer a Response body takes.)
    const smaller = (b: Buffer) => (b.length < data.length ? new Uint8Array(b) : undefined);
    return { data, variants: { br: smaller(br), gzip: smaller(gz) } };
  } catch {
    return null;
  }
}
