// The bench's output: one JSON document with stable keys (so runs can be compared by a script) and
// a markdown table of the same figures beside their limit or peer and their target.

import fs from 'node:fs';
import path from 'node:path';
import { ratio, round } from './stats';

export interface PeerFigures {
  writeP50Ms: number | null;
  writeToVisibleP50Ms: number | null;
  writeP95Ms?: number;
  writeToVisibleP95Ms?: number;
  /** Our figure over the peer's (below 1: we are faster). */
  writeRatio?: number | null;
  writeToVisibleRatio?: number | null;
  version?: string;
  error?: string;
}

export interface MergeFigures {
  history: number;
  batch: number;
  oursActionsPerSec: number;
  seedActionsPerSec: number;
  oursMs: number;
  seedMs: number;
  speedup: number;
  /** Both algorithms ended with the same rows. */
  agree: boolean;
}

export interface Results {
  date: string;
  mode: 'full' | 'quick';
  command: string;
  durationSec: number;
  machine: { cpus: number; loadAverageStart: number[]; loadAverageEnd: number[]; platform: string; node: string };
  browser: { name: string; version: string; crossOriginIsolated: boolean | null; workerTimerResolutionUs: number | null };
  /** The database connection's settings the writes ran with (the app's pragmas). */
  storageSettings: string | null;
  packages: Record<string, string>;
  /** Sizes and repetitions behind each figure. */
  sizes: Record<string, number | number[]>;

  writeP50Ms: number | null;
  writeP99Ms: number | null;
  bareInsertP50Ms: number | null;
  bareInsertP99Ms: number | null;
  writeToBareRatio: number | null;
  uiRoundTripP50Ms: number | null;
  uiRoundTripP95Ms: number | null;
  /** getNote from the page and back: the call path alone, beside the write's round trip. */
  uiReadRoundTripP50Ms: number | null;
  writeToVisibleP50Ms: number | null;
  writeToVisibleP95Ms: number | null;
  /** The same, on the device holding 10,000 notes (the list the UI re-reads is 10k long). */
  writeToVisible10kP50Ms: number | null;
  peers: Record<string, PeerFigures>;
  pointReadP50Ms: number | null;
  pointReadP99Ms: number | null;
  list10kMs: number | null;
  coldStart10kMs: number | null;
  offlineReloadMs: number | null;
  merge: MergeFigures[];
  initialSync100kActionsPerSec: number | null;
  initialSync100kMs: number | null;
  /** 'browser': the app's worker synced over HTTP; 'node': runSyncCycle + Store in Node (fallback). */
  initialSyncVia: 'browser' | 'node' | null;
  propagationP50Ms: number | null;
  propagationP95Ms: number | null;
  serverPushesPerSec: Record<string, number | null>;
  /** Why a figure is null, by key. */
  unavailable: Record<string, string>;
}

export function emptyResults(mode: 'full' | 'quick', command: string): Results {
  return {
    date: new Date().toISOString(),
    mode,
    command,
    durationSec: 0,
    machine: { cpus: 0, loadAverageStart: [], loadAverageEnd: [], platform: '', node: process.version },
    browser: { name: 'chromium', version: '', crossOriginIsolated: null, workerTimerResolutionUs: null },
    storageSettings: null,
    packages: {},
    sizes: {},
    writeP50Ms: null,
    writeP99Ms: null,
    bareInsertP50Ms: null,
    bareInsertP99Ms: null,
    writeToBareRatio: null,
    uiRoundTripP50Ms: null,
    uiRoundTripP95Ms: null,
    uiReadRoundTripP50Ms: null,
    writeToVisibleP50Ms: null,
    writeToVisibleP95Ms: null,
    writeToVisible10kP50Ms: null,
    peers: {},
    pointReadP50Ms: null,
    pointReadP99Ms: null,
    list10kMs: null,
    coldStart10kMs: null,
    offlineReloadMs: null,
    merge: [],
    initialSync100kActionsPerSec: null,
    initialSync100kMs: null,
    initialSyncVia: null,
    propagationP50Ms: null,
    propagationP95Ms: null,
    serverPushesPerSec: {},
    unavailable: {},
  };
}

const ms = (n: number | null | undefined): string => (n === null || n === undefined ? 'n/a' : `${round(n)} ms`);
const num = (n: number | null | undefined, unit = ''): string =>
  n === null || n === undefined ? 'n/a' : `${Math.round(n).toLocaleString('en-US')}${unit}`;
const x = (n: number | null | undefined): string => (n === null || n === undefined ? '' : `${round(n)}x`);

/** The table: figure | ours | limit or peer | ratio | target. */
export function markdown(r: Results): string {
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);
  row('Durable write p50 (applyLocal, one transaction)', ms(r.writeP50Ms), `bare INSERT ${ms(r.bareInsertP50Ms)}`, x(r.writeToBareRatio), '<= 0.5 ms, <= 1.5x bare');
  row('Durable write p99', ms(r.writeP99Ms), `bare INSERT ${ms(r.bareInsertP99Ms)}`, x(ratio(r.writeP99Ms, r.bareInsertP99Ms)), '');
  row('UI round trip p50 / p95 (page -> Comlink -> commit -> page)', `${ms(r.uiRoundTripP50Ms)} / ${ms(r.uiRoundTripP95Ms)}`, '', '', '<= 2 ms');
  row('Read round trip p50 (getNote: page -> Comlink -> page)', ms(r.uiReadRoundTripP50Ms), '', '', '');
  row('Write to visible p50 / p95 (call -> list in the DOM)', `${ms(r.writeToVisibleP50Ms)} / ${ms(r.writeToVisibleP95Ms)}`, '', '', '<= 3 ms');
  for (const [name, p] of Object.entries(r.peers)) {
    if (p.error) {
      row(`Peer ${name}`, '', `not measured: ${p.error.replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 160)}`, '', '');
      continue;
    }
    row(`Single write p50 vs ${name} ${p.version ?? ''}`.trim(), ms(r.uiRoundTripP50Ms), ms(p.writeP50Ms), x(p.writeRatio), 'ours/peer < 1');
    row(`Write to visible p50 vs ${name}`, ms(r.writeToVisibleP50Ms), ms(p.writeToVisibleP50Ms), x(p.writeToVisibleRatio), 'ours/peer < 1');
  }
  row('Write to visible p50 with 10,000 notes listed', ms(r.writeToVisible10kP50Ms), '', '', '');
  row('Point read p50 (getNote)', ms(r.pointReadP50Ms), '', '', '');
  row(`List of ${num(r.sizes.listNotes as number)} notes (listNotes)`, ms(r.list10kMs), '', '', '');
  row(`Cold start with ${num(r.sizes.coldStartNotes as number)} notes (load -> first list render)`, ms(r.coldStart10kMs), '', '', '<= 500 ms');
  row(`Offline reload (${num(r.sizes.coldStartNotes as number)} notes, service worker)`, ms(r.offlineReloadMs), '', '', '');
  for (const m of r.merge) {
    row(
      `Merge ${num(m.batch)} pulled actions into ${num(m.history)}`,
      num(m.oursActionsPerSec, ' actions/s'),
      `seed design ${num(m.seedActionsPerSec, ' actions/s')}`,
      `${round(m.speedup)}x the seed${m.agree ? '' : ' (rows DIFFER: bench bug)'}`,
      '>= 50,000/s flat; >= 100x seed at 100k',
    );
  }
  row(
    `Initial sync of ${num(r.sizes.initialSyncActions as number)} actions (${r.initialSyncVia ?? 'n/a'})`,
    num(r.initialSync100kActionsPerSec, ' actions/s'),
    r.initialSync100kMs === null ? '' : `${round(r.initialSync100kMs / 1000)} s`,
    '',
    '<= 5 s',
  );
  row('Propagation A -> B p50 / p95 (live events)', `${ms(r.propagationP50Ms)} / ${ms(r.propagationP95Ms)}`, '', '', '<= 100 ms p50');
  for (const [k, v] of Object.entries(r.serverPushesPerSec)) row(`Server pushes/s, 16 clients, ${k}`, num(v, '/s'), '', '', '');

  const header = ['Figure', 'Ours', 'Limit / peer', 'Ratio', 'Target'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((c) => `| ${c.join(' | ')} |`)];
  const notes = Object.entries(r.unavailable).map(([k, why]) => `- \`${k}\`: ${why}`);
  return [
    `# Benchmark results (${r.mode})`,
    '',
    `\`${r.command}\` on ${r.date.slice(0, 10)}: Chromium ${r.browser.version} headless, Node ${r.machine.node}, ${r.machine.cpus} cores ` +
      `(load average ${r.machine.loadAverageStart.map((l) => l.toFixed(1)).join('/')} at start, shared with other work), ` +
      `cross-origin isolated: ${String(r.browser.crossOriginIsolated)}, worker timer step ${r.browser.workerTimerResolutionUs ?? 'n/a'} us. ` +
      `Took ${Math.round(r.durationSec)} s.`,
    '',
    ...lines,
    '',
    'Ratios: durable write over the bare INSERT, and ours over each peer (figures taken the same way, from the call in the page): below 1 means we are faster. Merge: our actions/s over the seed design\'s: above 1 means we are faster.',
    `Durable means committed with the app's pragmas (${r.storageSettings ?? 'n/a'}) on opfs-sahpool in a persistent profile, so OPFS writes reach the disk.`,
    'Our write-to-visible ends when the list in the DOM shows the note; the peers\' end at their live query\'s callback (before any DOM work).',
    ...(notes.length > 0 ? ['', 'Not measured:', ...notes] : []),
    '',
  ].join('\n');
}

export function writeResults(dir: string, name: string, r: Results): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(md, markdown(r));
  return { json, md };
}
