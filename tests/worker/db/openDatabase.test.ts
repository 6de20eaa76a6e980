// The new owner's pool install fails while the previous owner's access handles are still closing:
// it is retried with a growing wait (and sqlite-wasm told to try afresh), never reported as a failure.
import { describe, expect, it } from 'vitest';
import { heldElsewhere, retryWhile } from '../../../src/worker/db/openDatabase';

const held = (): Error => Object.assign(new Error('Access Handles cannot be created if there is another open Access Handle'), { name: 'NoModificationAllowedError' });

describe('opening after a handoff', () => {
  it('retries while the files are held elsewhere, as a retry from the second attempt on, waiting longer each time', async () => {
    const waits: number[] = [];
    const calls: boolean[] = [];
    const pool = await retryWhile(
      async (retry) => {
        calls.push(retry);
        if (calls.length < 5) throw held();
        return 'pool';
      },
      heldElsewhere,
      { sleep: async (ms) => void waits.push(ms), random: () => 1 },
    );
    expect(pool).toBe('pool');
    expect(calls).toEqual([false, true, true, true, true]);
    expect(waits).toEqual([50, 100, 200, 400]);
  });

  it('waits at most a second between attempts, and says so once when it takes long', async () => {
    const waits: number[] = [];
    const slow: number[] = [];
    let n = 0;
    await retryWhile(
      async () => {
        if (++n < 30) throw held();
      },
      heldElsewhere,
      { sleep: async (ms) => void waits.push(ms), random: () => 1, onSlow: (attempts) => slow.push(attempts) },
    );
    expect(Math.max(...waits)).toBe(1_000);
    expect(slow).toHaveLength(1);
  });

  it('passes any other failure on at once', async () => {
    let n = 0;
    const failing = retryWhile(
      async () => {
        n++;
        throw new Error('SQLITE_CORRUPT: database disk image is malformed');
      },
      heldElsewhere,
      { sleep: async () => undefined, random: () => 1 },
    );
    await expect(failing).rejects.toThrow('malformed');
    expect(n).toBe(1);
  });

  it('knows the browser’s ways of saying another context holds the files', () => {
    expect(heldElsewhere(held())).toBe(true);
    expect(heldElsewhere(new DOMException('Access Handles cannot be created if there is another open Access Handle', 'NoModificationAllowedError'))).toBe(true);
    expect(heldElsewhere(new Error('SQLITE_IOERR'))).toBe(false);
  });
});
