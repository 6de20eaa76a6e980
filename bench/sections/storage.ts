// Storage figures, timed inside the bench worker (bench/browser/storage): durable write beside a
// bare INSERT, point read, the list of 10,000 notes, and merge at scale beside the seed design.

import type { Page } from '@playwright/test';
import type { CommitIo, MergeOptions, ReadOptions, StorageBench, WriteOptions } from '../browser/storage/contract';
import { launchDevice, browserVersion, logPageErrors } from '../lib/chromium';
import { STORAGE_DIR } from '../lib/build';
import { serveFiles } from '../lib/httpServer';
import type { Plan } from '../lib/plan';
import type { CommitIoFigures, Results } from '../lib/results';
import { median, percentile, round } from '../lib/stats';

function ioFigures(io: CommitIo, pageSize: number): CommitIoFigures {
  const bytes = median(io.bytes);
  return { bytesPerCommit: Math.round(bytes), pagesPerCommit: round(bytes / pageSize), writeCallsPerCommit: round(median(io.writes)), flushP50Ms: round(median(io.flushMs)) };
}

type Call<K extends keyof StorageBench> = Awaited<ReturnType<StorageBench[K]>>;

async function call<K extends 'writes' | 'reads' | 'merge'>(page: Page, method: K, options: WriteOptions | ReadOptions | MergeOptions): Promise<Call<K>> {
  return page.evaluate(
    async ([m, o]) => {
      const bench = window.storageBench;
      if (!bench) throw new Error('the storage bench page did not start');
      return (bench[m] as (x: typeof o) => Promise<unknown>)(o);
    },
    [method, options] as const,
  ) as Promise<Call<K>>;
}

export async function runStorage(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const server = await serveFiles(STORAGE_DIR);
  const device = await launchDevice('storage');
  try {
    const page = await device.context.newPage();
    logPageErrors(page, 'storage');
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => window.storageBench !== undefined);
    r.browser.version ||= await browserVersion(page);
    const env = await page.evaluate(() => window.storageBench!.environment());
    r.browser.crossOriginIsolated = env.crossOriginIsolated;
    r.browser.workerTimerResolutionUs = env.timerResolutionUs;
    r.packages['sqlite (in @sqlite.org/sqlite-wasm)'] = env.sqliteVersion;

    log(`durable write vs bare INSERT: ${plan.writes.reps} reps`);
    const w = await call(page, 'writes', plan.writes);
    r.writeP50Ms = round(median(w.writeMs));
    r.writeP99Ms = round(percentile(w.writeMs, 99));
    r.bareInsertP50Ms = round(median(w.bareMs));
    r.bareInsertP99Ms = round(percentile(w.bareMs, 99));
    r.pausedWriteP50Ms = round(median(w.pausedWriteMs));
    r.pausedBareInsertP50Ms = round(median(w.pausedBareMs));
    r.sizes.pausedWriteReps = w.pausedWriteMs.length;
    r.sizes.pauseMs = plan.writes.pauseMs;
    r.writeToBareRatio = round(median(w.writeMs) / median(w.bareMs));
    r.writeIo = { pageSize: w.pageSize, ours: ioFigures(w.writeIo, w.pageSize), bare: ioFigures(w.bareIo, w.pageSize) };
    r.sizes.writeReps = w.writeMs.length;
    r.sizes.bareInsertBytes = w.bytesPerRow;
    r.storageSettings = w.settings;

    log(`reads over ${plan.reads.notes} notes`);
    const rd = await call(page, 'reads', plan.reads);
    r.pointReadP50Ms = round(median(rd.pointReadMs));
    r.pointReadP99Ms = round(percentile(rd.pointReadMs, 99));
    r.list10kMs = round(median(rd.listMs));
    r.sizes.listNotes = rd.listed;
    r.sizes.listReps = rd.listMs.length;

    for (const history of plan.merge.histories) {
      log(`merge ${plan.merge.batch} actions into a history of ${history}`);
      const m = await call(page, 'merge', { history, batch: plan.merge.batch, oursReps: plan.merge.oursReps, seedReps: plan.merge.seedReps });
      const oursMs = median(m.oursMs);
      const seedMs = median(m.seedMs);
      r.merge.push({
        history,
        batch: m.batch,
        oursActionsPerSec: Math.round((m.batch / oursMs) * 1000),
        seedActionsPerSec: Math.round((m.batch / seedMs) * 1000),
        oursMs: round(oursMs),
        seedMs: round(seedMs),
        speedup: round(seedMs / oursMs),
        agree: m.agree,
      });
      if (!m.agree) throw new Error(`merge at ${history}: the incremental merge and the full replay ended with different rows`);
      r.sizes[`mergeTextEditsIn${history}`] = m.textEdits;
    }
    r.sizes.mergeReps = [plan.merge.oursReps, plan.merge.seedReps];

    log(`merge ${plan.mergeText.batch} text edits into ${plan.mergeText.notes} notes`);
    const t = await page.evaluate((o) => window.storageBench!.mergeText(o), plan.mergeText);
    r.mergeTextEditsPerSec = Math.round((t.batch / median(t.ms)) * 1000);
    r.sizes.mergeText = [t.notes, t.batch];
  } finally {
    await device.close();
    await server.close();
  }
}
