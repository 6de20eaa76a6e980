// Coalesces the writes SQLite makes to one file between two syncs into one write of the browser's
// sync access handle. A WAL commit writes each page as two pieces (its 24-byte frame header, then
// the page) at consecutive offsets, and each write() of an OPFS access handle costs a call into the
// browser's file layer whatever its size. Measured in the storage bench (headless Chromium, one run
// each): a note's create made 15 writes, 0.32 ms back to back and 1.63 ms after a 5 ms idle (as a
// save after typing comes), beside 0.65 and 1.16 ms for its one flush; coalesced it makes one write,
// and the create after an idle pause went from 3.77 to 2.43 ms p50.
//
// Invariants:
// - What is read back, and the size reported, are always what every write so far made of the file:
//   a read or truncate writes out what is held first; the size counts what is held.
// - flush() returns only once everything written before it is written and flushed, so what SQLite
//   synced (a commit, a checkpoint) is on disk, as without this layer.
// - A held write that fails when written out fails the call that wrote it out (a flush, a read, a
//   truncate, another write), and is not written again. That is enough because the bytes held
//   since a handle's last flush only ever belong to the work SQLite has in progress: every commit
//   and checkpoint ends with a sync at synchronous=FULL (pragmas.ts), and SQLite rolls the whole
//   transaction back on any I/O error. With a setting that commits without a sync, this layer
//   would have to report such a failure at the next flush too.
// - Only runs of contiguous writes are held (up to `limit` bytes); anything else writes out first.

/** The part of FileSystemSyncAccessHandle this layer wraps (the prototype's methods). */
export interface AccessHandleMethods {
  write(buffer: AllowSharedBufferSource, options?: { at?: number }): number;
  read(buffer: AllowSharedBufferSource, options?: { at?: number }): number;
  flush(): void;
  truncate(size: number): void;
  getSize(): number;
  close(): void;
}

interface Held {
  at: number;
  size: number;
  /** The run's bytes in [0, size); grown by doubling, so each byte is copied once on the way in. */
  bytes: Uint8Array;
}

const installedMark = Symbol.for('notes.writeBehind');

/**
 * What the layer passed on to the browser since the page loaded, over every handle: the bench reads
 * it around one commit to show where a durable write's time goes (its bytes, its one flush).
 */
export interface FileIoStats {
  /** write() calls of the access handle, and the bytes they wrote. */
  writes: number;
  bytes: number;
  /** flush() calls, and the time spent in them. */
  flushes: number;
  flushMs: number;
}

const stats: FileIoStats = { writes: 0, bytes: 0, flushes: 0, flushMs: 0 };

/** A copy of the counters (take one before and one after, and subtract). */
export function fileIoStats(): FileIoStats {
  return { ...stats };
}

/** Past this many held bytes a run is written out: a big pulled page's commit stays in bounded memory. */
export const WRITE_BEHIND_LIMIT = 1 << 20;

function viewOf(buffer: AllowSharedBufferSource): Uint8Array {
  return ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
}

/** Appends `src` to the run (SQLite passes views of its heap, which it reuses as soon as the call returns: the bytes are copied). */
function append(h: Held, src: Uint8Array): void {
  if (h.size + src.length > h.bytes.length) {
    const grown = new Uint8Array(Math.max(h.size + src.length, 2 * h.bytes.length));
    grown.set(h.bytes.subarray(0, h.size));
    h.bytes = grown;
  }
  h.bytes.set(src, h.size);
  h.size += src.length;
}

/**
 * Makes every handle of `proto` hold contiguous writes until the next flush, read, truncate or
 * close. Idempotent per prototype. Returns a function that undoes it (for tests).
 */
export function coalesceWrites(proto: AccessHandleMethods, limit = WRITE_BEHIND_LIMIT): () => void {
  const marked = proto as AccessHandleMethods & { [installedMark]?: () => void };
  const already = marked[installedMark];
  if (already) return already;
  const original = { write: proto.write, read: proto.read, flush: proto.flush, truncate: proto.truncate, getSize: proto.getSize, close: proto.close };
  const held = new WeakMap<object, Held>();

  function passOn(handle: AccessHandleMethods, buffer: AllowSharedBufferSource, options?: { at?: number }): number {
    const n = original.write.call(handle, buffer, options);
    stats.writes++;
    stats.bytes += n;
    return n;
  }

  function writeOut(handle: AccessHandleMethods): void {
    const h = held.get(handle);
    if (!h || h.size === 0) return;
    const size = h.size;
    // Emptied first: a run that fails is reported by this call and never written by a later one.
    h.size = 0;
    const n = passOn(handle, h.bytes.subarray(0, size), { at: h.at });
    if (n !== size) throw new Error(`wrote ${n} of ${size} bytes`);
  }

  proto.write = function (this: AccessHandleMethods, buffer, options) {
    const at = options?.at;
    // A write at the handle's own cursor is not one SQLite makes: pass it on, in order.
    if (at === undefined) {
      writeOut(this);
      return passOn(this, buffer, options);
    }
    const src = viewOf(buffer);
    let h = held.get(this);
    if (h && h.size > 0 && at === h.at + h.size && h.size + src.length <= limit) {
      append(h, src);
      return src.length;
    }
    writeOut(this);
    if (src.length >= limit) return passOn(this, buffer, options);
    // The handle keeps its buffer between runs: a commit allocates nothing.
    if (!h) held.set(this, (h = { at, size: 0, bytes: new Uint8Array(64 * 1024) }));
    h.at = at;
    append(h, src);
    return src.length;
  };
  proto.read = function (this: AccessHandleMethods, buffer, options) {
    writeOut(this);
    return original.read.call(this, buffer, options);
  };
  proto.flush = function (this: AccessHandleMethods) {
    writeOut(this);
    const t0 = performance.now();
    try {
      original.flush.call(this);
    } finally {
      stats.flushes++;
      stats.flushMs += performance.now() - t0;
    }
  };
  proto.truncate = function (this: AccessHandleMethods, size) {
    writeOut(this);
    original.truncate.call(this, size);
  };
  // No I/O here (SQLite's xFileSize has no way to report a failure): the held run counts as written.
  proto.getSize = function (this: AccessHandleMethods) {
    const size = original.getSize.call(this);
    const h = held.get(this);
    return h && h.size > 0 ? Math.max(size, h.at + h.size) : size;
  };
  proto.close = function (this: AccessHandleMethods) {
    try {
      writeOut(this);
    } finally {
      original.close.call(this);
    }
  };

  const undo = (): void => {
    Object.assign(proto, original);
    delete marked[installedMark];
  };
  marked[installedMark] = undo;
  return undo;
}

/** Installs coalesceWrites on the browser's FileSystemSyncAccessHandle, where there is one. */
export function coalesceAccessHandleWrites(): void {
  const ctor = (globalThis as { FileSystemSyncAccessHandle?: { prototype: AccessHandleMethods } }).FileSystemSyncAccessHandle;
  if (ctor) coalesceWrites(ctor.prototype);
}
