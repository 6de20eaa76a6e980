import { describe, expect, it } from 'vitest';
import { shortcutKeys, shortcutOf, type KeyPress } from '../../../src/ui/logic/shortcuts';

const press = (over: Partial<KeyPress>): KeyPress => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...over,
});
const pc = { mac: false, inTextField: false };
const pcTyping = { mac: false, inTextField: true };
const mac = { mac: true, inTextField: false };
const macTyping = { mac: true, inTextField: true };

describe('shortcutOf', () => {
  it('New note is Alt+N on Windows and Linux, even while typing, by the physical key', () => {
    expect(shortcutOf(press({ key: 'n', code: 'KeyN', altKey: true }), pcTyping)).toBe('new-note');
    // A layout that puts another letter there, or a dead key, is still the N key.
    expect(shortcutOf(press({ key: 'Dead', code: 'KeyN', altKey: true }), pc)).toBe('new-note');
    // AltGr is Ctrl+Alt on Windows: it types letters (ń in Polish), it is not a shortcut.
    expect(shortcutOf(press({ key: 'ń', code: 'KeyN', altKey: true, ctrlKey: true }), pcTyping)).toBeNull();
    // The browser's own Ctrl+N and Ctrl+Shift+N are left alone.
    expect(shortcutOf(press({ key: 'n', code: 'KeyN', ctrlKey: true }), pc)).toBeNull();
    expect(shortcutOf(press({ key: 'N', code: 'KeyN', ctrlKey: true, shiftKey: true }), pc)).toBeNull();
  });

  it('New note is ⌥⌘N on a Mac, where ⌥N alone types ñ', () => {
    expect(shortcutOf(press({ key: 'Dead', code: 'KeyN', altKey: true }), macTyping)).toBeNull();
    expect(shortcutOf(press({ key: '˜', code: 'KeyN', altKey: true, metaKey: true }), macTyping)).toBe('new-note');
  });

  it('Search is "/" outside text fields, and Ctrl+K (⌘K on a Mac) anywhere', () => {
    expect(shortcutOf(press({ key: '/', code: 'Slash' }), pc)).toBe('focus-search');
    expect(shortcutOf(press({ key: '/', code: 'Slash' }), pcTyping)).toBeNull();
    expect(shortcutOf(press({ key: 'k', code: 'KeyK', ctrlKey: true }), pcTyping)).toBe('focus-search');
    expect(shortcutOf(press({ key: 'k', code: 'KeyK', metaKey: true }), macTyping)).toBe('focus-search');
    expect(shortcutOf(press({ key: 'k', code: 'KeyK', metaKey: true }), pc)).toBeNull();
  });

  it('Undo (of a delete) is Ctrl+Z / ⌘Z outside text fields only, where it undoes typing', () => {
    expect(shortcutOf(press({ key: 'z', code: 'KeyZ', ctrlKey: true }), pc)).toBe('undo');
    expect(shortcutOf(press({ key: 'z', code: 'KeyZ', ctrlKey: true }), pcTyping)).toBeNull();
    expect(shortcutOf(press({ key: 'z', code: 'KeyZ', metaKey: true }), mac)).toBe('undo');
    expect(shortcutOf(press({ key: 'Z', code: 'KeyZ', ctrlKey: true, shiftKey: true }), pc)).toBeNull();
  });

  it('plain letters are never shortcuts', () => {
    expect(shortcutOf(press({ key: 'n', code: 'KeyN' }), pc)).toBeNull();
    expect(shortcutOf(press({ key: 'k', code: 'KeyK' }), pc)).toBeNull();
  });
});

describe('shortcutKeys', () => {
  it('names the keys for people and for assistive technology', () => {
    expect(shortcutKeys(false).newNote).toEqual({ label: 'Alt+N', aria: 'Alt+N' });
    expect(shortcutKeys(true).newNote).toEqual({ label: '⌥⌘N', aria: 'Meta+Alt+N' });
    expect(shortcutKeys(false).search.aria).toBe('/ Control+K');
  });
});
