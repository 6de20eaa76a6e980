// Telling the pages and sync about committed local writes, once the writer has its answer. A write's
// announcement is not part of it: the page waiting on the write should not wait for the others to
// hear of it (main.ts sends it a moment after the reply). Writes answered before that moment are told
// together, as one change event and one sync trigger, so a burst of saves is one list refresh on
// every page. The writes are committed already: a listener that fails loses nothing (the action is
// pending in the log, and the next sync cycle sends it).

import type { ChangeHub } from '../tabs/changeHub';

export class WriteAnnouncer {
  private readonly listeners = new Set<(upload: boolean) => void>();
  /** Local writes answered and not yet announced. */
  private unannounced: { readonly ids: Set<string>; upload: boolean } | null = null;

  /** Without `afterReply` (tests), every write is told before its call returns. */
  constructor(
    private readonly changes: ChangeHub,
    private readonly afterReply?: (announce: () => void) => void,
  ) {}

  /** Calls `listener` after every committed local change (see NotesService.onLocalWrite). */
  onLocalWrite(listener: (upload: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A local write of `entityIds` committed; `upload` is false when it wrote no action. */
  written(entityIds: readonly string[], upload: boolean): void {
    if (!this.afterReply) return this.announce(entityIds, upload);
    if (this.unannounced) {
      for (const id of entityIds) this.unannounced.ids.add(id);
      this.unannounced.upload ||= upload;
      return;
    }
    const batch = { ids: new Set(entityIds), upload };
    this.unannounced = batch;
    this.afterReply(() => {
      this.unannounced = null;
      this.announce([...batch.ids], batch.upload);
    });
  }

  private announce(entityIds: readonly string[], upload: boolean): void {
    this.changes.publish(entityIds);
    for (const l of this.listeners) {
      try {
        l(upload);
      } catch (e) {
        console.error('notes: a local write listener failed', e);
      }
    }
  }
}
