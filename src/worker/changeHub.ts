// Change subscriptions: after every committed write, local or pulled, each subscriber hears which
// entities changed. Listeners are usually Comlink proxies into a page; a page that has gone away
// makes its call fail, and that listener is dropped rather than failing the write that notified it.

import type { ChangeEvent } from './api';

export type ChangeListener = (event: ChangeEvent) => unknown;

export class ChangeHub {
  private next = 1;
  private readonly listeners = new Map<number, ChangeListener>();

  subscribe(listener: ChangeListener): number {
    const id = this.next++;
    this.listeners.set(id, listener);
    return id;
  }

  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  get size(): number {
    return this.listeners.size;
  }

  publish(entityIds: readonly string[]): void {
    if (entityIds.length === 0) return;
    const event: ChangeEvent = { entityIds: [...new Set(entityIds)] };
    for (const [id, listener] of this.listeners) {
      const drop = () => this.listeners.delete(id);
      try {
        const r = listener(event);
        if (r instanceof Promise) r.catch(drop);
      } catch {
        drop();
      }
    }
  }
}
