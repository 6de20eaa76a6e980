// Draws the app icons (a white note page with ruled lines on a blue tile) and writes them as PNGs into
// public/. Run `npx tsx scripts/make-icons.ts` after changing the design; the PNGs are committed so a
// build needs nothing but this repository. Shapes are signed-distance rounded rectangles, supersampled
// for smooth edges, encoded with zlib: no image library needed.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Rgba = readonly [number, number, number, number];

interface Shape {
  /** Signed distance in unit coordinates (0..1 across the icon): negative inside. */
  readonly distance: (x: number, y: number) => number;
  readonly color: Rgba;
}

const TILE: Rgba = [37, 99, 235, 255]; // the theme colour, #2563eb
const PAGE: Rgba = [255, 255, 255, 255];
const INK: Rgba = [147, 178, 247, 255];
const FOLD: Rgba = [191, 210, 251, 255];

function roundedRect(cx: number, cy: number, halfW: number, halfH: number, radius: number) {
  return (x: number, y: number): number => {
    const qx = Math.abs(x - cx) - halfW + radius;
    const qy = Math.abs(y - cy) - halfH + radius;
    const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
    return outside + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/** The glyph, scaled by `scale` around the centre (maskable icons keep it inside the safe zone). */
function glyph(scale: number): Shape[] {
  const s = (v: number): number => 0.5 + (v - 0.5) * scale;
  const len = (v: number): number => v * scale;
  const pageLeft = s(0.27);
  const pageRight = s(0.73);
  const pageTop = s(0.2);
  const pageBottom = s(0.8);
  const cx = (pageLeft + pageRight) / 2;
  const cy = (pageTop + pageBottom) / 2;
  const page = roundedRect(cx, cy, (pageRight - pageLeft) / 2, (pageBottom - pageTop) / 2, len(0.05));
  // A dog-ear: the page loses its top-right corner along a diagonal, and a lighter triangle fills it.
  const foldSize = len(0.13);
  const cut = (x: number, y: number): number => (x - (pageRight - foldSize)) - (y - pageTop) ;
  const pageWithFold = (x: number, y: number): number => Math.max(page(x, y), (cut(x, y) / Math.SQRT2));
  const fold = (x: number, y: number): number => {
    const inCorner = Math.max(x - pageRight, pageTop - y, (pageRight - foldSize) - x, y - (pageTop + foldSize));
    return Math.max(inCorner, -cut(x, y) / Math.SQRT2);
  };
  const lineHalfH = len(0.022);
  const lines = [0.42, 0.52, 0.62].map((row, i) => {
    const y = s(row);
    const left = pageLeft + len(0.07);
    const right = pageRight - len(i === 2 ? 0.17 : 0.07);
    return { distance: roundedRect((left + right) / 2, y, (right - left) / 2, lineHalfH, lineHalfH), color: INK };
  });
  return [{ distance: pageWithFold, color: PAGE }, { distance: fold, color: FOLD }, ...lines];
}

function render(size: number, shapes: readonly Shape[]): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          let color: Rgba = [0, 0, 0, 0];
          for (const shape of shapes) if (shape.distance(x, y) <= 0) color = shape.color;
          const alpha = color[3] / 255;
          r += color[0] * alpha; g += color[1] * alpha; b += color[2] * alpha; a += alpha;
        }
      }
      const n = samples * samples;
      const i = (py * size + px) * 4;
      pixels[i] = a ? Math.round(r / a) : 0;
      pixels[i + 1] = a ? Math.round(g / a) : 0;
      pixels[i + 2] = a ? Math.round(b / a) : 0;
      pixels[i + 3] = Math.round((a / n) * 255);
    }
  }
  return encodePng(size, size, pixels);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const tile: Shape = { distance: roundedRect(0.5, 0.5, 0.46, 0.46, 0.2), color: TILE };
const fullBleed: Shape = { distance: () => -1, color: TILE };

const outDir = fileURLToPath(new URL('../public/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const icons: ReadonlyArray<readonly [string, number, readonly Shape[]]> = [
  ['pwa-192x192.png', 192, [tile, ...glyph(1)]],
  ['pwa-512x512.png', 512, [tile, ...glyph(1)]],
  // Maskable: the launcher crops to its own shape, so fill the square and keep the glyph in the
  // central 80% safe zone.
  ['maskable-512x512.png', 512, [fullBleed, ...glyph(0.8)]],
  ['apple-touch-icon.png', 180, [fullBleed, ...glyph(0.85)]],
  ['favicon-32x32.png', 32, [tile, ...glyph(1.1)]],
];
for (const [name, size, shapes] of icons) {
  writeFileSync(outDir + name, render(size, shapes));
  console.log(`wrote public/${name}`);
}
