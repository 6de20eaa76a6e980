// The periodic sweep of covered rows past the retention window (compaction.ts), for spaces that no
// longer push (pushes delete their own space's expired rows on the way). Correctness never waits
// for it: covered rows are not served whether deleted or not. It deletes in bounded batches, each
// its own short transaction, so it never holds a push up for long; stop() waits for a batch under
// way, so the database is closed only after it.

import type { Clock } from '../clock';
import { errorMessage, type Logger } from '../logger';
import { expiredBefore } from './compaction';
import type { Store } from './types';

export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
export const SWEEP_BATCH = 1_000;

export interface CoveredSweepOptions {
  readonly store: Pick<Store, 'deleteCovered'>;
  readonly clock: Clock;
  readonly retentionMs: number;
  readonly logger: Logger;
  readonly intervalMs?: number;
  readonly batch?: number;
}

export interface CoveredSweep {
  /** One sweep now (or the one under way): batches until none is full; how many rows it deleted. */
  runOnce(): Promise<number>;
  /** No more sweeps; resolves once a batch under way has committed. */
  stop(): Promise<void>;
}

export function startCoveredSweep(options: CoveredSweepOptions): CoveredSweep {
  const batch = options.batch ?? SWEEP_BATCH;
  let stopped = false;
  let running: Promise<number> | undefined;

  const sweep = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      if (stopped) return total;
      const deleted = await options.store.deleteCovered(expiredBefore(options.clock.now(), options.retentionMs), batch);
      total += deleted;
      if (deleted < batch) return total;
    }
  };
  const runOnce = (): Promise<number> =>
    (running ??= sweep().finally(() => {
      running = undefined;
    }));
  const tick = () => {
    runOnce().catch((e: unknown) => options.logger.warn('covered history sweep failed', { error: errorMessage(e) }));
  };

  const timer = setInterval(tick, options.intervalMs ?? SWEEP_INTERVAL_MS);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
