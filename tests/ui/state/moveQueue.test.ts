import { describe, expect, it } from 'vitest';
import { createMoveQueue } from '../../../src/ui/state/moveQueue';

const attempt = async (run: () => Promise<void>): Promise<void> => {
  try {
    await run();
  } catch {
    // told to the user elsewhere
  }
};

describe('moves between notes', () => {
  it('run one at a time in the order asked, a failing one not stopping the next', async () => {
    const flags: boolean[] = [];
    const q = createMoveQueue(attempt, (on) => flags.push(on));
    const done: string[] = [];
    let release!: () => void;
    const first = q.switching(() => new Promise<void>((r) => (release = r)).then(() => void done.push('open')));
    const second = q.switching(async () => {
      throw new Error('refused');
    });
    const third = q.inOrder(async () => void done.push('trash'));
    await Promise.resolve();
    expect(done).toEqual([]);
    release();
    await Promise.all([first, second, third]);
    expect(done).toEqual(['open', 'trash']);
    // Read-only from the first switching move until the last one is done, not in between.
    expect(flags).toEqual([true, true, false]);
  });
});
