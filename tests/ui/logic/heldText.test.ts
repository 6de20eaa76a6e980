import { describe, expect, it } from 'vitest';
import { HeldText } from '../../../src/ui/logic/heldText';

describe('HeldText: a newer text waits while an input method composes', () => {
  it('passes typing through untouched while nothing is held', () => {
    const held = new HeldText();
    expect(held.holding).toBe(false);
    expect(held.typed('abc')).toBe('abc');
    expect(held.release()).toBeNull();
  });

  it('carries what is composed on screen over onto the held text, and releases it with the composition in place', () => {
    const held = new HeldText();
    // On screen: the first line with "に" being composed at its end; from elsewhere: a line added.
    held.hold('first lineに\nsecond', 'first lineに\nsecond\nfrom B');
    expect(held.holding).toBe(true);
    expect(held.typed('first lineにほ\nsecond')).toBe('first lineにほ\nsecond\nfrom B');
    expect(held.typed('first lineにほん\nsecond')).toBe('first lineにほん\nsecond\nfrom B');
    // The composition ends with the word chosen: it replaces the kana once, nothing left behind.
    expect(held.typed('first line日本\nsecond')).toBe('first line日本\nsecond\nfrom B');
    expect(held.release()).toBe('first line日本\nsecond\nfrom B');
    expect(held.holding).toBe(false);
    expect(held.typed('anything')).toBe('anything');
  });

  it('a second newer text while holding is taken as is: the screen is still at the first one', () => {
    const held = new HeldText();
    held.hold('ab', 'Xab');
    // The draft answers with its text, which has the screen's typing in it already.
    expect(held.typed('abc')).toBe('Xabc');
    held.hold('abc', 'Xabc');
    held.hold('abc', 'XabcY');
    expect(held.typed('abcd')).toBe('Xabcd' + 'Y');
    expect(held.release()).toBe('XabcdY');
  });

  it('a change on screen that the held text has not seen is carried over, not lost', () => {
    const held = new HeldText();
    held.hold('ab', 'abZ');
    // The screen got a "!" with no typed() call; the newer text knows nothing of it.
    held.hold('ab!', 'QabZ');
    expect(held.typed('ab!')).toBe('Qab!Z');
  });
});
