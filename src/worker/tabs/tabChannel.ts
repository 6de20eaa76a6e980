// The wire between the tabs' workers: one BroadcastChannel per origin, every message validated.
//
// Why a BroadcastChannel and not MessagePorts handed over one: a port gives no signal when the
// worker at its other end dies, so a handoff needs the announcement of the new leader (and the
// re-sending of unanswered calls) anyway; with ports every follower would then also have to set up a
// fresh port with each new leader. On a BroadcastChannel nothing is wired per pair: a new leader says
// "leader" once and every follower simply addresses it; change and status events, which go to every
// tab, are a single post. The cost is that every worker sees every message and drops those not
// addressed to it, which is nothing for the handful of tabs a person has open.
//
// The protocol (v1 in the channel name, so a tab of an older or newer build never misreads one):
//   hello    a worker looking for the leader; the leader answers with `leader`.
//   leader   "I hold the database": its id and what open() tells a page (storage, clientId), or the
//            error that kept it from opening the notes.
//   request  a NotesApi call from a follower: caller id, request id, method, arguments.
//   result / failure   the leader's answer, addressed to the caller by id.
//   change   entities whose visible state changed (the leader's ChangeEvent), for every page.
//   status   the leader's new sync status, for every page.
// Values (arguments, results, statuses) are passed on as they are: the leader's NotesApi validates
// every argument, and each page validates every answer and event (src/ui/workerSchemas.ts).

import * as v from 'valibot';
import type { ChangeEvent, StorageKind } from '../api';

export const TAB_CHANNEL = 'notes-tabs-v1';

const WorkerId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const RequestId = v.pipe(v.number(), v.integer(), v.minValue(1));
const ErrorSchema = v.object({ name: v.pipe(v.string(), v.maxLength(100)), message: v.pipe(v.string(), v.maxLength(10_000)) });

const LeaderInfoSchema = v.object({
  storage: v.picklist(['opfs', 'memory'] satisfies StorageKind[]),
  clientId: v.string(),
  warning: v.optional(v.string()),
});

export const TabMessageSchema = v.variant('type', [
  v.object({ type: v.literal('hello'), from: WorkerId }),
  v.object({ type: v.literal('leader'), leaderId: WorkerId, info: LeaderInfoSchema }),
  v.object({ type: v.literal('leader-failed'), leaderId: WorkerId, error: ErrorSchema }),
  v.object({
    type: v.literal('request'),
    from: WorkerId,
    id: RequestId,
    method: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    args: v.array(v.unknown()),
  }),
  v.object({ type: v.literal('result'), to: WorkerId, id: RequestId, value: v.unknown() }),
  v.object({ type: v.literal('failure'), to: WorkerId, id: RequestId, error: ErrorSchema }),
  v.object({ type: v.literal('change'), entityIds: v.array(v.string()) }),
  v.object({ type: v.literal('status'), status: v.unknown() }),
]);

export type TabMessage = v.InferOutput<typeof TabMessageSchema>;
export type LeaderInfo = v.InferOutput<typeof LeaderInfoSchema>;
export type WireError = v.InferOutput<typeof ErrorSchema>;

/** The part of BroadcastChannel used here (the browser's and Node's have it). */
export interface BroadcastLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  close(): void;
}

/** An error as it crosses the channel: name and message, as Comlink carries it to the page. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** The Error a caller sees for a WireError: the same name and message as the leader's. */
export function fromWireError(e: WireError): Error {
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

export function changeMessage(event: ChangeEvent): TabMessage {
  return { type: 'change', entityIds: [...event.entityIds] };
}

export class TabChannel {
  private readonly handlers = new Set<(message: TabMessage) => void>();
  private closed = false;

  constructor(private readonly port: BroadcastLike) {
    port.addEventListener('message', (event) => {
      if (this.closed) return;
      const parsed = v.safeParse(TabMessageSchema, event.data);
      // Another build's message or garbage: not ours to act on.
      if (!parsed.success) return;
      for (const handler of this.handlers) handler(parsed.output);
    });
  }

  listen(handler: (message: TabMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Posts to every other worker; false when the message could not be sent (closed, not clonable). */
  post(message: TabMessage): boolean {
    if (this.closed) return false;
    try {
      this.port.postMessage(message);
      return true;
    } catch (e) {
      console.warn('notes: a message to the other tabs could not be sent', e);
      return false;
    }
  }

  close(): void {
    this.closed = true;
    this.handlers.clear();
    this.port.close();
  }
}
