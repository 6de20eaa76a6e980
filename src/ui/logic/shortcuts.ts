// The app's keyboard shortcuts: which key press means what (pure, tested), and the one document
// listener that runs them. Shortcuts are chosen not to clash with the browser's own: Ctrl+N, Ctrl+T
// and Ctrl+Shift+N belong to the browser; Option+N on a Mac types "ñ", so the Mac uses ⌥⌘N.

export type ShortcutAction = 'new-note' | 'focus-search' | 'undo';

export interface KeyPress {
  readonly key: string;
  readonly code: string;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly shiftKey: boolean;
}

export interface ShortcutContext {
  readonly mac: boolean;
  /** The key lands in a field that takes text: plain keys ("/", Ctrl+Z) are the field's. */
  readonly inTextField: boolean;
}

export function shortcutOf(e: KeyPress, context: ShortcutContext): ShortcutAction | null {
  const command = context.mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  // By physical key: with Alt held, `key` is whatever the layout puts there (or a dead key).
  if (e.code === 'KeyN' && e.altKey && !e.shiftKey && (context.mac ? e.metaKey && !e.ctrlKey : !e.ctrlKey && !e.metaKey)) {
    return 'new-note';
  }
  if (command && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') return 'focus-search';
  if (context.inTextField) return null;
  if (e.key === '/' && !e.altKey && !e.ctrlKey && !e.metaKey) return 'focus-search';
  if (command && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') return 'undo';
  return null;
}

/** Labels for tooltips and Settings, and the aria-keyshortcuts values (ARIA's key names). */
export function shortcutKeys(mac: boolean) {
  return {
    newNote: { label: mac ? '⌥⌘N' : 'Alt+N', aria: mac ? 'Meta+Alt+N' : 'Alt+N' },
    search: { label: mac ? '/ or ⌘K' : '/ or Ctrl+K', aria: mac ? '/ Meta+K' : '/ Control+K' },
    undo: { label: mac ? '⌘Z' : 'Ctrl+Z', aria: mac ? 'Meta+Z' : 'Control+Z' },
  } as const;
}

export function isMacPlatform(nav: Pick<Navigator, 'platform' | 'userAgent'>): boolean {
  return /Mac|iPhone|iPad|iPod/i.test(nav.platform || nav.userAgent);
}

const nonTextInputs = new Set(['button', 'checkbox', 'color', 'file', 'image', 'radio', 'range', 'reset', 'submit']);

export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !nonTextInputs.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}

/**
 * Runs a handler for each shortcut pressed anywhere in the page, except while a modal dialog is
 * open (its keys are its own). A handler returns false when it did nothing, so the key keeps its
 * usual meaning. Returns the function that stops listening.
 */
export function listenForShortcuts(
  doc: Document,
  mac: boolean,
  handlers: Readonly<Record<ShortcutAction, () => boolean>>,
): () => void {
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing || e.repeat) return;
    if (doc.querySelector('dialog[open]')) return;
    const action = shortcutOf(e, { mac, inTextField: isTextField(e.target) });
    if (action && handlers[action]()) e.preventDefault();
  };
  doc.addEventListener('keydown', onKeyDown);
  return () => doc.removeEventListener('keydown', onKeyDown);
}
