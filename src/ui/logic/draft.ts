// The text being edited in one note, and when it is written. Pure: the save call and the timer come
// in as arguments, so the rules (debounce, one save at a time, only changed fields, keep the text on
// failure) are tested without a browser.
//
// The body is a text field that merges at character level: a save sends what the person typed with
// the text it was typed on (`editedFrom`), and the worker merges the difference. A newer body from
// elsewhere (another device, another tab) is taken in even while the person types: what they typed
// and had not saved yet is carried over onto it (rebaseText), so no keystroke is lost and both
// changes show. The title stays last-writer-wins: unsaved title text is kept as it is.
import { rebaseText } from '../../sync/text/splices';
import type { Note, NoteFields, WriteOptions } from '../../worker/api';

export type EditableField = 'title' | 'body';
export const editableFields: readonly EditableField[] = ['title', 'body'];

export type SaveState =
  | { readonly kind: 'saved' }
  | { readonly kind: 'unsaved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface DraftDeps {
  /**
   * One update action carrying only `fields`, made on top of the stamps in `base`; a body in
   * `editedFrom` is an edit of that text rather than a replace.
   */
  readonly save: (fields: NoteFields, base: Readonly<Record<string, string>>, editedFrom: NonNullable<WriteOptions['editedFrom']>) => Promise<Note>;
  /** The draft's text changed by something other than typing (a merged remote edit). */
  readonly onTextChange?: () => void;
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
    if (note.id !== this.id || this.inFlight) return false;
    if (!this.dirty) {
      this.current = { title: note.title, body: note.body };
      this.persisted = { ...this.current };
      this.stamps = note.stamps;
      return true;
    }
    // Unsaved typing in the body is carried over onto the newer body; unsaved title text is kept,
    // with the stamp it was typed on, so a concurrent title stays a conflict the other side sees.
    // A title the note now has anyway (a restore put it back) is no longer unsaved.
    const titleDirty = this.current.title !== this.persisted.title && this.current.title !== note.title;
    this.current = {
      title: titleDirty ? this.current.title : note.title,
      body: rebaseText(this.persisted.body, this.current.body, note.body),
    };
    this.persisted = { title: titleDirty ? this.persisted.title : note.title, body: note.body };
    const { title: titleStamp, ...rest } = note.stamps;
    const keptTitle = titleDirty ? this.stamps.title : titleStamp;
    this.stamps = { ...rest, ...(keptTitle !== undefined ? { title: keptTitle } : {}) };
    if (!this.dirty && !this.cancelTimer) this.setState({ kind: 'saved' });
    return true;
  }

  /** True while a save is under way (adopt waits for it: its answer carries the merged text). */
  get saving(): boolean {
    return this.inFlight !== null;
  }

  /** Resolves when no save is under way (whatever came of it). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
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
    const editedFrom = fields.body !== undefined ? { body: this.persisted.body } : {};
    this.setState({ kind: 'saving' });
    try {
      const saved = await this.deps.save(fields, base, editedFrom);
      // The worker answers with the merged body: ours plus whatever reached the note meanwhile.
      // Typing since the save was sent is carried over onto it.
      const body = fields.body === undefined ? this.persisted.body : saved.body;
      const typed = this.current.body;
      this.persisted = { ...this.persisted, ...fields, body };
      this.stamps = saved.stamps;
      if (fields.body !== undefined && body !== sent.body) {
        this.current = { ...this.current, body: rebaseText(sent.body, typed, body) };
        this.deps.onTextChange?.();
      }
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
