// The text being edited in one note, and when it is written. Pure: the save call and the timer come
// in as arguments, so the rules (debounce, one save at a time, only changed fields, keep the text on
// failure) are tested without a browser.
import type { Note, NoteFields } from '../../worker/api';

export type EditableField = 'title' | 'body';
export const editableFields: readonly EditableField[] = ['title', 'body'];

export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'unsaved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface DraftDeps {
  /** One update action carrying only `fields`, made on top of the stamps in `base`. */
  readonly save: (fields: NoteFields, base: Readonly<Record<string, string>>) => Promise<Note>;
  /** Runs `run` after `ms`; returns a cancel function. */
  readonly schedule: (run: () => void, ms: number) => () => void;
  readonly onStateChange?: (state: SaveState) => void;
  readonly debounceMs?: number;
}

type Values = Record<EditableField, string>;

export class NoteDraft {
  readonly id: string;
  private current: Values;
  /** What the database holds, as far as this draft knows, and the stamps it holds them under. */
  private persisted: Values;
  private stamps: Readonly<Record<string, string>>;
  private cancelTimer: (() => void) | null = null;
  private inFlight: Promise<void> | null = null;
  private state: SaveState = { kind: 'saved' };
  private readonly debounceMs: number;

  constructor(note: Note, private readonly deps: DraftDeps) {
    this.id = note.id;
    this.current = { title: note.title, body: note.body };
    this.persisted = { ...this.current };
    this.stamps = note.stamps;
    this.debounceMs = deps.debounceMs ?? 300;
  }

  get values(): Readonly<Values> {
    return this.current;
  }

  get saveState(): SaveState {
    return this.state;
  }

  /** True while something typed is not yet in the database. */
  get dirty(): boolean {
    return editableFields.some((f) => this.current[f] !== this.persisted[f]);
  }

  edit(field: EditableField, value: string): void {
    this.current = { ...this.current, [field]: value };
    if (!this.dirty) {
      this.cancel();
      if (!this.inFlight) this.setState({ kind: 'saved' });
      return;
    }
    // A failed save is retried by the next edit: the retry carries everything still unsaved.
    this.setState({ kind: 'unsaved' });
    this.cancel();
    this.cancelTimer = this.deps.schedule(() => {
      this.cancelTimer = null;
      void this.flush().catch(() => undefined);
    }, this.debounceMs);
  }

  /**
   * Writes what is unsaved now, after any save already under way. Resolves once the database holds
   * everything typed before the call; rejects with the save's error otherwise (the text is kept).
   */
  async flush(): Promise<void> {
    this.cancel();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (!this.dirty) return;
    const attempt = this.saveOnce();
    this.inFlight = attempt;
    try {
      await attempt;
    } finally {
      this.inFlight = null;
    }
    // Typed while that save ran: write that too, so flush means "everything so far".
    if (this.dirty) await this.flush();
  }

  /**
   * Takes a newer version of the note written elsewhere, unless the user has unsaved text in it (their
   * text wins on screen and is saved on top, with its base showing what it was made over).
   * Returns whether the draft now shows the given note.
   */
  adopt(note: Note): boolean {
    if (note.id !== this.id || this.dirty || this.inFlight) return false;
    this.current = { title: note.title, body: note.body };
    this.persisted = { ...this.current };
    this.stamps = note.stamps;
    return true;
  }

  /** Stops the timer; used when the draft is closed after a final flush, or its note is deleted. */
  dispose(): void {
    this.cancel();
  }

  private async saveOnce(): Promise<void> {
    const sent: Values = { ...this.current };
    const fields: { -readonly [K in EditableField]?: string } = {};
    const base: Record<string, string> = {};
    for (const f of editableFields) {
      if (sent[f] === this.persisted[f]) continue;
      fields[f] = sent[f];
      const stamp = this.stamps[f];
      if (stamp !== undefined) base[f] = stamp;
    }
    this.setState({ kind: 'saving' });
    try {
      const saved = await this.deps.save(fields, base);
      this.persisted = { ...this.persisted, ...fields };
      this.stamps = saved.stamps;
      this.setState(this.dirty ? { kind: 'unsaved' } : { kind: 'saved' });
    } catch (error) {
      this.setState({ kind: 'failed', error });
      throw error;
    }
  }

  private cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  private setState(state: SaveState): void {
    this.state = state;
    this.deps.onStateChange?.(state);
  }
}
