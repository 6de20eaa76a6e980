// The write-behind layer over OPFS access handles (src/worker/db/writeBehind.ts), in Node: a file
// kept in memory stands for the browser's FileSystemSyncAccessHandle (Node has none), counting the
// writes that reach it. The real handles are exercised by every e2e test, which runs on it.
// fast-check prints the seed on failure (FC_SEED replays).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { coalesceWrites, fileIoStats, type AccessHandleMethods } from '../../../src/worker/db/writeBehind';

/** A file in memory with the access handle's methods: what reaches it is what is "on disk". */
class MemoryHandle implements AccessHandleMethods {
  bytes = new Uint8Array(0);
  flushed = new Uint8Array(0);
  writes = 0;
  failNextWrite: Error | null = null;

  write(buffer: AllowSharedBufferSource, options?: { at?: number }): number {
    if (this.failNextWrite) {
      const e = this.failNextWrite;
      this.failNextWrite = null;
      throw e;
    }
    const src = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    const at = options?.at ?? 0;
    if (at + src.length > this.bytes.length) {
      const grown = new Uint8Array(at + src.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(src, at);
    this.writes++;
    return src.length;
  }
  read(buffer: AllowSharedBufferSource, options?: { at?: number }): number {
    const dst = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
    const at = options?.at ?? 0;
    const part = this.bytes.subarray(Math.min(at, this.bytes.length), Math.min(at + dst.length, this.bytes.length));
    dst.set(part);
    return part.length;
  }
  flush(): void {
    this.flushed = this.bytes.slice();
  }
  truncate(size: number): void {
    const t = new Uint8Array(size);
    t.set(this.bytes.subarray(0, size));
    this.bytes = t;
  }
  getSize(): number {
    return this.bytes.length;
  }
  close(): void {}
}

/** A subclass, so the layer is installed on its prototype and not on MemoryHandle's (the plain file). */
class CoalescedHandle extends MemoryHandle {}
let undo: (() => void) | undefined;
function coalesced(limit?: number): CoalescedHandle {
  undo ??= coalesceWrites(CoalescedHandle.prototype, limit);
  return new CoalescedHandle();
}
afterEach(() => {
  undo?.();
  undo = undefined;
});

const page = (fill: number, n = 4096) => new Uint8Array(n).fill(fill);

function readAll(h: AccessHandleMethods): Uint8Array {
  const out = new Uint8Array(h.getSize());
  h.read(out, { at: 0 });
  return out;
}

describe('write-behind over an access handle', () => {
  it('a commit\'s frame headers and pages, written one after the other, reach the file as one write at the flush', () => {
    const h = coalesced();
    for (let i = 0; i < 7; i++) {
      h.write(page(i, 24), { at: 32 + i * 4120 });
      h.write(page(100 + i), { at: 32 + i * 4120 + 24 });
    }
    expect(h.writes).toBe(0);
    h.flush();
    expect(h.writes).toBe(1);
    expect(h.flushed.length).toBe(32 + 7 * 4120);
    expect(h.flushed[32 + 6 * 4120 + 24]).toBe(106);
  });

  it('counts what reaches the browser: one write of every held byte, one flush', () => {
    const h = coalesced();
    const before = fileIoStats();
    h.write(page(1, 24), { at: 0 });
    h.write(page(2), { at: 24 });
    h.flush();
    h.write(page(3, 10)); // at the handle's cursor: passed on at once, and counted
    const after = fileIoStats();
    expect(after.writes - before.writes).toBe(2);
    expect(after.bytes - before.bytes).toBe(24 + 4096 + 10);
    expect(after.flushes - before.flushes).toBe(1);
    expect(after.flushMs).toBeGreaterThanOrEqual(before.flushMs);
  });

  it('keeps a copy: the caller may reuse its buffer at once, as SQLite reuses its heap', () => {
    const h = coalesced();
    const buf = page(1, 16);
    h.write(buf, { at: 0 });
    buf.fill(9);
    h.flush();
    expect([...h.flushed]).toEqual(new Array(16).fill(1));
  });

  it('a read, a size, a truncate see every write so far', () => {
    const h = coalesced();
    h.write(page(5, 10), { at: 0 });
    expect(h.getSize()).toBe(10);
    expect([...readAll(h)]).toEqual(new Array(10).fill(5));
    h.write(page(6, 10), { at: 10 });
    h.truncate(15);
    expect([...readAll(h)]).toEqual([...new Array(10).fill(5), ...new Array(5).fill(6)]);
  });

  it('a write elsewhere writes out the held run first, in order', () => {
    const h = coalesced();
    h.write(page(1, 8), { at: 0 });
    h.write(page(2, 8), { at: 4 });
    h.flush();
    expect([...h.flushed]).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(h.writes).toBe(2);
  });

  it('holds no more than its limit', () => {
    const h = coalesced(10_000);
    for (let i = 0; i < 10; i++) h.write(page(i), { at: i * 4096 });
    expect(h.writes).toBeGreaterThanOrEqual(4);
    h.flush();
    expect(h.flushed.length).toBe(40_960);
  });

  it('a held write that fails to reach the file fails the flush: a commit is never reported durable over lost bytes', () => {
    const h = coalesced();
    h.write(page(1, 8), { at: 0 });
    h.failNextWrite = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
    expect(() => h.flush()).toThrow('quota');
    expect(h.flushed.length, 'nothing reached the disk').toBe(0);
    // SQLite rolls the commit back and, given room, writes it again: that one is kept, and nothing
    // of the failed one is written behind it.
    h.write(page(2, 8), { at: 0 });
    h.flush();
    expect([...h.flushed]).toEqual(new Array(8).fill(2));
    expect(h.writes).toBe(1);
  });

  it('a failure written out by a read or another write is told by that call', () => {
    const h = coalesced();
    h.write(page(1, 8), { at: 0 });
    h.failNextWrite = new Error('disk gone');
    expect(() => readAll(h)).toThrow('disk gone');
    h.write(page(3, 8), { at: 0 });
    h.failNextWrite = new Error('disk gone again');
    expect(() => h.write(page(4, 8), { at: 100 })).toThrow('disk gone again');
    h.flush();
    expect(h.flushed.length).toBe(0);
  });

  it('any sequence of writes, reads, truncates and flushes leaves the same file as without it, with no more writes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), at: fc.nat(600), len: fc.integer({ min: 1, max: 120 }), fill: fc.nat(255) }),
      fc.record({ kind: fc.constant('append' as const), len: fc.integer({ min: 1, max: 300 }), fill: fc.nat(255) }),
      fc.record({ kind: fc.constant('read' as const), at: fc.nat(700), len: fc.integer({ min: 1, max: 200 }) }),
      fc.record({ kind: fc.constant('truncate' as const), size: fc.nat(700) }),
      fc.constant({ kind: 'flush' as const }),
      fc.constant({ kind: 'size' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 64, max: 2_000 }), (ops, limit) => {
        undo?.();
        undo = undefined;
        const plain = new MemoryHandle();
        const held = coalesced(limit);
        let end = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'write':
            case 'append': {
              const at = o.kind === 'append' ? end : o.at;
              expect(held.write(page(o.fill, o.len), { at })).toBe(plain.write(page(o.fill, o.len), { at }));
              end = at + o.len;
              break;
            }
            case 'read': {
              const a = new Uint8Array(o.len);
              const b = new Uint8Array(o.len);
              expect(held.read(a, { at: o.at })).toBe(plain.read(b, { at: o.at }));
              expect(a).toEqual(b);
              break;
            }
            case 'truncate':
              held.truncate(o.size);
              plain.truncate(o.size);
              end = Math.min(end, o.size);
              break;
            case 'flush':
              held.flush();
              plain.flush();
              expect(held.flushed).toEqual(plain.flushed);
              break;
            case 'size':
              expect(held.getSize()).toBe(plain.getSize());
              break;
          }
        }
        held.flush();
        plain.flush();
        expect(held.flushed).toEqual(plain.flushed);
        expect(held.writes).toBeLessThanOrEqual(plain.writes);
      }),
      { numRuns: 500, verbose: 1, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
