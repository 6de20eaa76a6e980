// Synthetic histories: what other devices wrote, as the actions a pull would bring. Runs in Node
// (seeding the server) and in the bench worker (seeding the store), so it is pure apart from ids.
//
// Shape: a note is created with a title and a body, then edited one field at a time; a few notes
// are deleted. With `textEditShare`, that share of body changes are text edits (Yjs updates typed on
// the note's current base and document, as the app's editor sends them) instead of replaces. Stamps are strictly increasing wall-clock milliseconds in the past, so the server's
// "clock ahead" check never fires and every stamp is distinct.

import { uuidv7 } from 'uuidv7';
import type { Action } from '../../src/sync/action';
import { formatHlc } from '../../src/sync/hlc';
import { makeEdit } from '../../src/sync/text/yjsText';

export interface StreamOptions {
  /** Devices writing (each a clientId). */
  readonly clients: number;
  /** Share of actions that create a new note (the rest edit or delete existing ones). */
  readonly createShare: number;
  /**
   * Exactly this many notes instead, created at even intervals through the `total` actions (the
   * first action is one); the others edit a note made before them. createShare and deleteShare
   * are then ignored.
   */
  readonly notes?: number;
  /** Share of actions that delete an existing note. */
  readonly deleteShare?: number;
  /** Characters of each note body. */
  readonly bodyChars?: number;
  /** Stamp of the first action; later ones are 1 ms apart. Defaults to `total` ms before now. */
  readonly startMs?: number;
  /** How many actions the stream will make in all (to place its stamps in the past). */
  readonly total: number;
  /** Deterministic choices for a given seed. */
  readonly seed?: number;
  /** Use these client ids instead of making new ones. */
  readonly clientIds?: readonly string[];
  /** Share of body changes made as text edits on the current base (default 0: all replaces). */
  readonly textEditShare?: number;
}

/** A note's body as its writers see it: the base (stamp and text) and the document of edits on it. */
interface Body {
  readonly base: string;
  readonly baseText: string;
  doc: Uint8Array | null;
  length: number;
}

const WORDS = 'local first notes sync merge clock offline stamp field entity space cursor batch page worker'.split(' ');

/** Small deterministic PRNG (mulberry32): the same seed gives the same history shape. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function text(chars: number, rnd: () => number): string {
  let s = '';
  while (s.length < chars) s += WORDS[Math.floor(rnd() * WORDS.length)]! + ' ';
  return s.slice(0, chars);
}

export class ActionStream {
  readonly clientIds: readonly string[];
  private readonly rnd: () => number;
  private readonly live: string[] = [];
  private readonly bodies = new Map<string, Body>();
  private made = 0;
  private readonly startMs: number;

  constructor(private readonly o: StreamOptions) {
    this.rnd = random(o.seed ?? 1);
    this.clientIds = o.clientIds ?? Array.from({ length: o.clients }, () => uuidv7());
    this.startMs = o.startMs ?? Date.now() - o.total - 60_000;
  }

  /** Notes created so far and not deleted. */
  get liveNotes(): number {
    return this.live.length;
  }

  next(count: number): Action[] {
    const out: Action[] = [];
    for (let i = 0; i < count; i++) out.push(this.one());
    return out;
  }

  private one(): Action {
    const k = this.made++;
    const clientId = this.clientIds[k % this.clientIds.length]!;
    const hlc = formatHlc({ ms: this.startMs + k, counter: 0, node: clientId });
    const r = this.rnd();
    const bodyChars = this.o.bodyChars ?? 300;
    const n = this.o.notes;
    const create = n === undefined ? this.live.length === 0 || r < this.o.createShare : k === 0 || Math.floor((k * n) / this.o.total) !== Math.floor(((k - 1) * n) / this.o.total);
    if (create) {
      const entityId = uuidv7();
      this.live.push(entityId);
      const payload = { title: `Note ${k} ${text(24, this.rnd)}`, body: text(bodyChars, this.rnd) };
      const id = uuidv7();
      this.rebased(entityId, `${hlc}|${id}`, payload.body);
      return { id, collection: 'notes', entityId, type: 'create', payload, hlc, clientId };
    }
    const at = Math.floor(this.rnd() * this.live.length);
    const entityId = this.live[at]!;
    if (this.o.notes === undefined && r < this.o.createShare + (this.o.deleteShare ?? 0)) {
      this.live[at] = this.live[this.live.length - 1]!;
      this.live.pop();
      this.bodies.delete(entityId);
      return { id: uuidv7(), collection: 'notes', entityId, type: 'delete', payload: {}, hlc, clientId };
    }
    if (this.rnd() < 0.3) return { id: uuidv7(), collection: 'notes', entityId, type: 'update', payload: { title: `Edited ${k} ${text(16, this.rnd)}` }, hlc, clientId };
    const body = this.bodies.get(entityId);
    if (body && this.rnd() < (this.o.textEditShare ?? 0)) {
      return { id: uuidv7(), collection: 'notes', entityId, type: 'update', payload: {}, edits: { body: this.typed(body) }, hlc, clientId };
    }
    const id = uuidv7();
    const payload = { body: text(bodyChars, this.rnd) };
    this.rebased(entityId, `${hlc}|${id}`, payload.body);
    return { id, collection: 'notes', entityId, type: 'update', payload, hlc, clientId };
  }

  private rebased(entityId: string, base: string, baseText: string): void {
    if ((this.o.textEditShare ?? 0) > 0) this.bodies.set(entityId, { base, baseText, doc: null, length: baseText.length });
  }

  /** A word typed at a random place, or a few characters deleted, on the body's current document. */
  private typed(b: Body): { base: string; update: string } {
    const at = Math.floor(this.rnd() * (b.length + 1));
    const splice =
      this.rnd() < 0.8 || b.length < 8
        ? { index: at, deleteCount: 0, insert: `${WORDS[Math.floor(this.rnd() * WORDS.length)]!} ` }
        : { index: Math.min(at, b.length - 4), deleteCount: 4, insert: '' };
    const made = makeEdit({ key: '', baseStamp: b.base, baseText: b.baseText, doc: b.doc }, [splice]);
    b.doc = made.state;
    b.length = made.text.length;
    return { base: b.base, update: made.update };
  }
}
