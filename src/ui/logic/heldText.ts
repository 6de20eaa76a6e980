// A newer text for a field that cannot be put on screen yet: an input method is composing in it (a
// Japanese or Chinese IME, a phone keyboard's word suggestions). Setting the field's value then ends
// the composition and leaves its unfinished text behind as typed characters: "nihon" typed while a
// remote edit lands gives "にほ日本" instead of "日本". So the newer text is held until the
// composition ends; what the person types meanwhile is carried over onto it (rebaseText), and the
// draft always gets the held text with that typing, never the screen's older one. Pure.
//
// Invariant: while holding, the held text is the text on screen as of `shown`, with every change that
// reached it from elsewhere; typed(onScreen) keeps it so for each new screen text.
import { rebaseText } from '../../sync/text/splices';

export class HeldText {
  private held: { readonly shown: string; readonly text: string } | null = null;

  get holding(): boolean {
    return this.held !== null;
  }

  /** `text` is to replace what the screen shows (`shown`), once it may. */
  hold(shown: string, text: string): void {
    // Already holding: the screen is still at the text the held one was made from.
    this.held = { shown: this.held?.shown ?? shown, text };
  }

  /** The screen now shows `onScreen` (the person typed): the text that stands for, to save. */
  typed(onScreen: string): string {
    if (!this.held) return onScreen;
    const text = rebaseText(this.held.shown, onScreen, this.held.text);
    this.held = { shown: onScreen, text };
    return text;
  }

  /** Stops holding; the text to put on screen now, or null when nothing was held. */
  release(): string | null {
    const text = this.held?.text ?? null;
    this.held = null;
    return text;
  }
}
