// Subscriptions from pages: after every committed write, local or pulled, each change subscriber
// hears which entities changed; status subscribers hear every new sync status. Listeners are usually
// Comlink proxies into a page; a page that has gone away makes its call fail, and that listener is
// dropped rather than failing the write that notified it.
//
// One id counter is shared by every hub of a worker, because the page ends any subscription with the
// same `unsubscribe(id)`.

import type { ChangeEvent } from '../api';

export type Listener<E> = (event: E) => unknown;

export function idCounter(): () => number {
  let next = 1;
  return () => next++;
}

export class Subscribers<E> {
  private readonly listeners = new Map<number, Listener<E>>();

  constructor(readonly nextId: () => number = idCounter()) {}

  subscribe(listener: Listener<E>): number {
    const id = this.nextId();
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(event: E): void {
    for (const [id, listener] of this.listeners) this.call(id, listener, event);
  }

  /** Tells one subscriber (e.g. the current state, right after it subscribed). */
  tell(id: number, event: E): void {
    const listener = this.listeners.get(id);
    if (listener) this.call(id, listener, event);
  }

  private call(id: number, listener: Listener<E>, event: E): void {
    const drop = () => this.listeners.delete(id);
    try {
      const r = listener(event);
      if (r instanceof Promise) r.catch(drop);
    } catch {
      drop();
    }
  }
}

export type ChangeListener = Listener<ChangeEvent>;

export class ChangeHub extends Subscribers<ChangeEvent> {
  publish(entityIds: readonly string[]): void {
    if (entityIds.length === 0) return;
    this.emit({ entityIds: [...new Set(entityIds)] });
  }
}
