import { describe, expect, it } from 'vitest';
import { describeSaveError } from '../../../src/ui/text/messages';

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('describeSaveError: why the open note is not saved', () => {
  it('a note deleted on another device: the text is said to be under Conflicts, not only on screen', () => {
    const said = describeSaveError(named('NotFoundError', 'This note was deleted on another device. Your change is kept under Conflicts.'));
    expect(said).toContain('deleted on another device');
    expect(said).toContain('kept under Conflicts');
    expect(said).not.toContain('copy it');
  });

  it('a note deleted here (another tab): nothing but the screen keeps the text', () => {
    const said = describeSaveError(named('NotFoundError', 'This note was deleted.'));
    expect(said).toContain('copy it to keep it');
    expect(said).not.toContain('Conflicts');
  });
});
