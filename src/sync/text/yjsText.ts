// Yjs documents of text fields: the only module that touches Yjs (DESIGN.md section 2).
//
// Invariants:
// - A base's document starts from a deterministic seed: the base text inserted at 0 by a Yjs client
//   id derived from the base stamp. Every replica derives byte-identical seeds, so a plain string
//   (a body written before text edits existed, or any replace) needs no conversion: it is a base.
// - A stored state is the whole document of one base, seed included (`Y.encodeStateAsUpdate`), so it
//   is self-contained; `null` stands for the seed alone. Deleted text is garbage-collected when a
//   state is encoded from a loaded document (gc on), so it does not live on in snapshots.
// - Edits are made on a loaded document whose client id is fresh (never the seed's), and carry only
//   the change (the transaction's own update), never the whole document.
// - Applying an update is idempotent and commutative in content: the visible text depends only on
//   the set of updates applied. The cache below memoizes, it never changes an answer.

import * as Y from 'yjs';
import { fromBase64, toBase64 } from './base64';
import type { Splice } from './splices';

const TEXT = 'text';

/**
 * Yjs client ids are uint32; the seed's is derived (FNV-1a) from the base stamp's action id, the part
 * after '|': re-stamping an unsent replace (clock_ahead) renames the base but keeps its seed.
 */
export function seedClientId(baseStamp: string): number {
  const id = baseStamp.slice(baseStamp.lastIndexOf('|') + 1);
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h === 0 ? 1 : h;
}

/**
 * A new document. The guid is given because Yjs's default draws a random UUID, 31 calls of
 * crypto.getRandomValues, which cost more than loading a small text; it only names subdocuments.
 */
function newDoc(): Y.Doc {
  return new Y.Doc({ guid: TEXT });
}

/** The seed document of a base, loaded and ready for edits (its own client id is not the seed's). */
function seedDoc(baseStamp: string, baseText: string): Y.Doc {
  const doc = newDoc();
  const seed = seedClientId(baseStamp);
  const own = doc.clientID;
  doc.clientID = seed;
  if (baseText.length > 0) doc.getText(TEXT).insert(0, baseText);
  doc.clientID = own === seed ? (seed ^ 1) >>> 0 || 2 : own;
  return doc;
}

/** The seed document of a base, encoded: identical bytes on every replica. */
export function seedState(baseStamp: string, baseText: string): Uint8Array {
  const doc = seedDoc(baseStamp, baseText);
  const bytes = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return bytes;
}

function loadDoc(baseStamp: string, state: Uint8Array): Y.Doc {
  const doc = newDoc();
  while (doc.clientID === seedClientId(baseStamp)) doc.clientID = (Math.random() * 0xffffffff) >>> 0;
  Y.applyUpdate(doc, state);
  return doc;
}

export function textOfDoc(doc: Y.Doc): string {
  return doc.getText(TEXT).toString();
}

/** The visible text of a stored state (a loaded document, so O(document)). */
export function textOfState(baseStamp: string, state: Uint8Array): string {
  const doc = loadDoc(baseStamp, state);
  const text = textOfDoc(doc);
  doc.destroy();
  return text;
}

/** Where a text stands: its base (stamp and text) and the document of edits on it (null: the seed). */
export interface TextSource {
  readonly key: string;
  readonly baseStamp: string;
  readonly baseText: string;
  readonly doc: Uint8Array | null;
}

interface CacheEntry {
  readonly source: TextSource;
  readonly doc: Y.Doc;
  /** The state the document is in, once encoded; and the one update that made it from `source`, if known. */
  readonly state: Uint8Array;
  readonly madeBy?: { readonly from: Uint8Array | null; readonly update: string };
}

/** Loaded documents of recently used texts, by key: each valid for exactly one state (by identity). */
export interface TextDocCache {
  get(key: string): CacheEntry | undefined;
  put(key: string, entry: CacheEntry | undefined): void;
}

/** A bounded LRU of loaded documents (the worker keeps one; pure callers may pass none). */
export function createDocCache(capacity = 32): TextDocCache {
  const entries = new Map<string, CacheEntry>();
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      entries.delete(key);
      entries.set(key, e);
      return e;
    },
    put(key, entry) {
      const old = entries.get(key);
      entries.delete(key);
      if (old && old.doc !== entry?.doc) old.doc.destroy();
      if (!entry) return;
      entries.set(key, entry);
      while (entries.size > capacity) {
        const [k, e] = entries.entries().next().value as [string, CacheEntry];
        entries.delete(k);
        e.doc.destroy();
      }
    },
  };
}

function sameSource(a: TextSource, b: TextSource): boolean {
  return a.baseStamp === b.baseStamp && a.doc === b.doc && (a.doc !== null || a.baseText === b.baseText);
}

/** Takes the document at `src` for changing (the cache forgets it until put back) or loads one. */
function takeDoc(cache: TextDocCache | undefined, src: TextSource): Y.Doc {
  const e = cache?.get(src.key);
  if (e && (e.state === src.doc || (src.doc === null && sameSource(e.source, src)))) {
    cache!.put(src.key, { ...e, state: EMPTY, source: { ...e.source, doc: EMPTY } });
    return e.doc;
  }
  return src.doc === null ? seedDoc(src.baseStamp, src.baseText) : loadDoc(src.baseStamp, src.doc);
}
const EMPTY = new Uint8Array(0);

function finish(cache: TextDocCache | undefined, src: TextSource, doc: Y.Doc, madeBy?: CacheEntry['madeBy']): AppliedText {
  const state = Y.encodeStateAsUpdate(doc);
  const text = textOfDoc(doc);
  if (cache) cache.put(src.key, { source: { ...src, doc: state }, doc, state, ...(madeBy ? { madeBy } : {}) });
  else doc.destroy();
  return { state, text };
}

export interface AppliedText {
  readonly state: Uint8Array;
  readonly text: string;
}

/** Merges updates (base64) into a text. */
export function applyUpdates(src: TextSource, updates: readonly string[], cache?: TextDocCache): AppliedText {
  // The write just made here (makeEdit) already holds its own update: no second load.
  const e = cache?.get(src.key);
  if (e?.madeBy && updates.length === 1 && e.madeBy.update === updates[0] && e.madeBy.from === src.doc && e.source.baseStamp === src.baseStamp) {
    return { state: e.state, text: textOfDoc(e.doc) };
  }
  const doc = takeDoc(cache, src);
  doc.transact(() => {
    for (const u of updates) Y.applyUpdate(doc, fromBase64(u));
  });
  return finish(cache, src, doc);
}

/** Merges whole states of one base (a snapshot's document into this one's). */
export function joinStates(src: TextSource, others: readonly Uint8Array[], cache?: TextDocCache): AppliedText {
  const doc = takeDoc(cache, src);
  doc.transact(() => {
    for (const o of others) Y.applyUpdate(doc, o);
  });
  return finish(cache, src, doc);
}

/**
 * Makes an edit: applies splices (on the document's current text) and returns the update carrying
 * only that change, with the state and text after it.
 */
export function makeEdit(src: TextSource, splices: readonly Splice[], cache?: TextDocCache): AppliedText & { readonly update: string } {
  const doc = takeDoc(cache, src);
  const ytext = doc.getText(TEXT);
  const parts: Uint8Array[] = [];
  const listen = (u: Uint8Array) => parts.push(u);
  doc.on('update', listen);
  doc.transact(() => {
    // Splices are sorted by index and disjoint: apply from the end so earlier indexes hold.
    for (const s of [...splices].sort((a, b) => b.index - a.index)) {
      if (s.deleteCount > 0) ytext.delete(s.index, s.deleteCount);
      if (s.insert.length > 0) ytext.insert(s.index, s.insert);
    }
  });
  doc.off('update', listen);
  const update = toBase64(parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts));
  return { ...finish(cache, src, doc, { from: src.doc, update }), update };
}

/** The current text of a source (from the cache when it holds that state). */
export function textOf(src: TextSource, cache?: TextDocCache): string {
  if (src.doc === null) return src.baseText;
  const e = cache?.get(src.key);
  if (e && e.state === src.doc) return textOfDoc(e.doc);
  return textOfState(src.baseStamp, src.doc);
}

/** Merges several updates into one (for waiting edits and snapshots), without loading a document. */
export function mergeUpdateList(updates: readonly string[]): string {
  return toBase64(Y.mergeUpdates(updates.map(fromBase64)));
}

/** A state re-encoded from a loaded document: deleted text garbage-collected. */
export function compactState(baseStamp: string, state: Uint8Array): Uint8Array {
  const doc = loadDoc(baseStamp, state);
  const bytes = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return bytes;
}

/** What identifies a state's content: its state vector and the text (for equality in tests and merges). */
export function stateVectorOf(state: Uint8Array): string {
  return toBase64(Y.encodeStateVectorFromUpdate(state));
}

/**
 * Why an edit's update is not a well-formed change of one text, or null. Runs on both ends before
 * an update may reach a document: it must decode, and hold only text content (strings, deletions)
 * under the one text type.
 */
export function updateProblem(updateBase64: string): string | null {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(updateBase64);
  } catch {
    return 'the edit is not base64';
  }
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(bytes);
  } catch {
    return 'the edit is not a Yjs update';
  }
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue; // GC and Skip ranges carry no content
    if (!(s.content instanceof Y.ContentString) && !(s.content instanceof Y.ContentDeleted)) return 'the edit holds content other than text';
    if (typeof s.parent === 'string' && s.parent !== TEXT) return 'the edit changes something other than the text';
    if (s.parentSub !== null) return 'the edit changes something other than the text';
  }
  return null;
}
