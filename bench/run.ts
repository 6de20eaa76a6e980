// `npm run bench`: measures the app against the limit of its own stack, the seed design and peer
// stacks, and writes bench/results/latest.{json,md}. `npm run bench -- --quick` runs every code path
// with tiny sizes and no peers (part of npm test), writes bench/results/quick.*, and exits non-zero
// if any part of the harness broke. `--only=storage,app,...` runs a subset (SECTIONS) and writes
// bench/results/partial.* (latest.* always holds a complete run).
//
// Each section fills its keys of the results; a section that fails, or does not run, leaves them
// null and says why under `unavailable` (in --quick, any failure fails the run).

import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, buildPeersPage, buildProbe, buildStoragePage } from './lib/build';
import { chromiumVersion } from './lib/chromium';
import { fullPlan, quickPlan } from './lib/plan';
import { PEERS, RESULTS, ROOT } from './lib/paths';
import { markdown } from './lib/report';
import { emptyResults, writeResults, type Results } from './lib/results';
import { runAppLocal } from './sections/app';
import { runColdStart } from './sections/coldStart';
import { runBootstrap } from './sections/bootstrap';
import { ensurePeersInstalled, peerRatios, runPeers } from './sections/peers';
import { runPush } from './sections/push';
import { runStorage } from './sections/storage';
import { runSync } from './sections/sync';
import { runTextEdit } from './sections/textEdit';

const SECTIONS = ['storage', 'app', 'coldstart', 'sync', 'bootstrap', 'textedit', 'push', 'peers'] as const;
type Section = (typeof SECTIONS)[number];

/** The keys of the results each section fills: a section that does not run names them as skipped. */
const KEYS: Record<Section, readonly string[]> = {
  storage: ['writeP50Ms', 'bareInsertP50Ms', 'pointReadP50Ms', 'list10kMs', 'merge'],
  app: ['uiRoundTripP50Ms', 'writeToVisibleP50Ms'],
  coldstart: ['coldStart10kMs', 'coldStartEmptyMs', 'offlineReloadMs', 'writeToVisible10kP50Ms'],
  sync: ['initialSync100kActionsPerSec', 'propagationP50Ms'],
  bootstrap: ['bootstrap10kMs', 'bootstrapHistoryPullMs'],
  textedit: ['textEditPayloadBytes'],
  push: ['serverPushesPerSec'],
  peers: ['peers'],
};

function parseArgs(argv: readonly string[]): { quick: boolean; only: Set<Section>; partial: boolean } {
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only='));
  const only = new Set<Section>(
    onlyArg ? (onlyArg.slice('--only='.length).split(',') as Section[]) : SECTIONS.filter((s) => !(quick && s === 'peers')),
  );
  for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s} (known: ${SECTIONS.join(', ')})`);
  const unknown = argv.filter((a) => a !== '--quick' && !a.startsWith('--only='));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}`);
  return { quick, only, partial: onlyArg !== undefined };
}

function packageVersion(dir: string, name: string): string | undefined {
  const file = path.join(dir, 'node_modules', name, 'package.json');
  if (!fs.existsSync(file)) return undefined;
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

async function main(argv: readonly string[]): Promise<number> {
  const { quick, only, partial } = parseArgs(argv);
  const plan = quick ? quickPlan : fullPlan;
  const started = performance.now();
  const r: Results = emptyResults(quick ? 'quick' : 'full', `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`);
  r.machine = { cpus: os.cpus().length, loadAverageStart: os.loadavg(), loadAverageEnd: [], platform: `${os.platform()} ${os.release()}`, node: process.version };
  r.browser.version = chromiumVersion() ?? '';
  for (const name of ['@sqlite.org/sqlite-wasm', 'solid-js', 'comlink', 'vite', '@playwright/test', 'better-sqlite3', 'postgres', 'hono']) {
    const v = packageVersion(ROOT, name);
    if (v) r.packages[name] = v;
  }
  // Every line says the machine's load: it is shared, so a figure is read beside it.
  const log = (s: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s load ${os.loadavg()[0]!.toFixed(2)}] ${s}`);
  const failures: string[] = [];
  const notRun = (name: Section): string =>
    quick && name === 'peers' ? 'a --quick run measures no peers' : `not in this run (${argv.find((a) => a.startsWith('--only=')) ?? 'its section was not chosen'})`;
  const section = async (name: Section, run: () => Promise<void>): Promise<void> => {
    const keys = KEYS[name];
    if (!only.has(name) || (name === 'peers' && !plan.peers)) {
      for (const k of keys) r.unavailable[k] ??= notRun(name);
      return;
    }
    log(`== ${name}`);
    (r.machine.loadAverageBySection ??= {})[name] = os.loadavg().map((l) => Math.round(l * 100) / 100);
    try {
      await run();
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      failures.push(`${name}: ${why}`);
      console.error(`[bench] ${name} failed:`, e);
      for (const k of keys) r.unavailable[k] ??= `the ${name} section failed: ${why}`;
    }
  };

  log(`building (${quick ? 'quick' : 'full'} run)`);
  const needs = (...s: Section[]) => s.some((x) => only.has(x));
  await Promise.all([
    buildProbe(),
    needs('storage', 'coldstart') ? buildStoragePage() : undefined,
    needs('app', 'coldstart', 'sync', 'bootstrap', 'textedit') ? buildApp() : undefined,
  ]);

  await section('storage', () => runStorage(plan, r, log));
  await section('app', () => runAppLocal(plan, r, log));
  await section('coldstart', () => runColdStart(plan, r, log));
  await section('sync', () => runSync(plan, r, log));
  await section('bootstrap', () => runBootstrap(plan, r, log));
  await section('textedit', () => runTextEdit(plan, r, log));
  await section('push', () => runPush(plan, r, log));
  await section('peers', async () => {
    await ensurePeersInstalled(log);
    for (const name of ['@evolu/web', '@evolu/common', '@powersync/web', '@powersync/common']) {
      const v = packageVersion(PEERS, name);
      if (v) r.packages[name] = v;
    }
    await buildPeersPage();
    await runPeers(plan, r, log);
  });

  peerRatios(r);
  r.machine.loadAverageEnd = os.loadavg();
  r.durationSec = Math.round((performance.now() - started) / 1000);
  const out = writeResults(RESULTS, quick ? 'quick' : partial ? 'partial' : 'latest', r);
  console.log('\n' + markdown(r));
  log(`wrote ${path.relative(ROOT, out.json)} and ${path.relative(ROOT, out.md)}`);
  if (failures.length > 0) {
    console.error(`[bench] ${failures.length} section(s) failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('[bench] the harness failed:', e);
    process.exit(1);
  },
);
