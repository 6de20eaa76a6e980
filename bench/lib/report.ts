// latest.md: every figure beside its limit or peer, the ratio between them, the target (issue 14's
// where it sets one) and whether this run met it; then every figure the run skipped, with why.

import type { Results } from './results';
import { ratio, round } from './stats';

type Met = boolean | null;

interface Row {
  readonly figure: string;
  readonly ours: string;
  readonly limit?: string;
  readonly ratio?: string;
  readonly target?: string;
  /** null: the target is set but a figure it needs was not measured. */
  readonly met?: Met;
}

const missing = (n: number | null | undefined): n is null | undefined => n === null || n === undefined;
const ms = (n: number | null | undefined): string => (missing(n) ? 'skipped' : `${round(n)} ms`);
const num = (n: number | null | undefined, unit = ''): string => (missing(n) ? 'skipped' : `${Math.round(n).toLocaleString('en-US')}${unit}`);
const x = (n: number | null | undefined): string => (missing(n) ? '' : `${round(n)}x`);
/** Whether `value` passes `test`, or null when it is missing. */
const check = (value: number | null | undefined, test: (v: number) => boolean): Met => (missing(value) ? null : test(value));
/** A size behind a figure, for its label; `otherwise` when the section did not run. */
const size = (r: Results, key: string, otherwise: string): string => {
  const n = r.sizes[key];
  return typeof n === 'number' ? num(n) : otherwise;
};

/** Where a durable write's time goes: what its commit writes, and its one flush, beside the bare INSERT's. */
function ioRow(r: Results): Row {
  const { ours, bare, pageSize } = r.writeIo;
  const io = (f: typeof ours): string =>
    f ? `${num(f.bytesPerCommit)} B (~${f.pagesPerCommit} pages of ${num(pageSize)} B) in ${f.writeCallsPerCommit} write, flush ${ms(f.flushP50Ms)}` : 'skipped';
  return {
    figure: 'Durable write per commit: bytes written to OPFS, and its one flush (p50)',
    ours: io(ours),
    limit: `bare INSERT ${io(bare)}`,
    ratio: ours && bare && !missing(r.bareInsertP50Ms) ? `the flush alone is ${x(ratio(bare.flushP50Ms, r.bareInsertP50Ms))} the bare INSERT` : '',
  };
}

function writeRows(r: Results): Row[] {
  const evolu = r.peers.evolu;
  // The round trip's calls come after the worker idled (the page waits for its list first), and a
  // write after an idle pause costs more, the bare INSERT's too: it is compared with the store's
  // write timed after the same pause. The back-to-back figure is shown beside it.
  const overWrite = missing(r.uiRoundTripP50Ms) || missing(r.pausedWriteP50Ms) ? null : round(r.uiRoundTripP50Ms - r.pausedWriteP50Ms);
  const pause = size(r, 'pauseMs', '?');
  const rows: Row[] = [
    { figure: 'Durable write p50 (applyLocal, one transaction)', ours: ms(r.writeP50Ms), limit: `bare INSERT ${ms(r.bareInsertP50Ms)}`, ratio: x(r.writeToBareRatio), target: '<= 1.3x bare', met: check(r.writeToBareRatio, (v) => v <= 1.3) },
    ioRow(r),
    { figure: 'Durable write p99', ours: ms(r.writeP99Ms), limit: `bare INSERT ${ms(r.bareInsertP99Ms)}`, ratio: x(ratio(r.writeP99Ms, r.bareInsertP99Ms)) },
    {
      figure: `Durable write p50 after ${pause} ms idle (as the UI round trip's calls come)`,
      ours: ms(r.pausedWriteP50Ms),
      limit: `bare INSERT ${ms(r.pausedBareInsertP50Ms)}`,
      ratio: x(ratio(r.pausedWriteP50Ms, r.pausedBareInsertP50Ms)),
    },
    {
      figure: 'UI round trip p50 / p95 (worker API createNote: page -> Comlink -> commit -> page)',
      ours: `${ms(r.uiRoundTripP50Ms)} / ${ms(r.uiRoundTripP95Ms)}`,
      limit: `store write p50 ${ms(r.pausedWriteP50Ms)} after the same ${pause} ms idle (${ms(r.writeP50Ms)} back to back)`,
      ratio: overWrite === null ? '' : `${overWrite >= 0 ? '+' : ''}${overWrite} ms`,
      target: '<= +0.5 ms over the store write',
      met: check(overWrite, (v) => v <= 0.5),
    },
    { figure: 'Read round trip p50 (getNote: page -> Comlink -> page)', ours: ms(r.uiReadRoundTripP50Ms) },
    {
      figure: `Message round trip p50 (page -> a worker that only answers -> page, after the same ${pause} ms idle)`,
      ours: ms(r.uiPingP50Ms),
      ratio: missing(r.uiPingP50Ms) ? '' : 'what the browser takes of the +0.5 ms before any code of ours runs',
    },
    {
      figure: "Write to visible p50 / p95 (the page's own optimistic create: call -> list in the DOM)",
      ours: `${ms(r.writeToVisibleP50Ms)} / ${ms(r.writeToVisibleP95Ms)}`,
      limit: `evolu ${ms(evolu?.writeToVisibleP50Ms)}`,
      ratio: x(evolu?.writeToVisibleRatio),
      target: "<= 0.5x Evolu's",
      met: check(evolu?.writeToVisibleRatio, (v) => v <= 0.5),
    },
  ];
  for (const [name, p] of Object.entries(r.peers)) {
    if (p.error) {
      rows.push({ figure: `Peer ${name}`, ours: '', limit: `not measured: ${p.error.replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 160)}` });
      continue;
    }
    const visibleTarget = name === 'evolu' ? 0.5 : 1;
    rows.push({ figure: `Single write p50 vs ${name} ${p.version ?? ''}`.trim(), ours: ms(r.uiRoundTripP50Ms), limit: ms(p.writeP50Ms), ratio: x(p.writeRatio), target: '< 1x', met: check(p.writeRatio, (v) => v < 1) });
    rows.push({ figure: `Write to visible p50 vs ${name}`, ours: ms(r.writeToVisibleP50Ms), limit: ms(p.writeToVisibleP50Ms), ratio: x(p.writeToVisibleRatio), target: `<= ${visibleTarget}x`, met: check(p.writeToVisibleRatio, (v) => v <= visibleTarget) });
  }
  rows.push({ figure: `Write to visible p50 with ${size(r, 'coldStartNotes', 'N')} notes listed`, ours: ms(r.writeToVisible10kP50Ms) });
  rows.push({ figure: 'Point read p50 (getNote)', ours: ms(r.pointReadP50Ms) });
  rows.push({ figure: `List of ${size(r, 'listNotes', 'N')} notes (listNotes)`, ours: ms(r.list10kMs) });
  return rows;
}

function startRows(r: Results): Row[] {
  const coldRatio = ratio(r.coldStart10kMs, r.coldStartEmptyMs);
  return [
    { figure: `Cold start with ${size(r, 'coldStartNotes', 'N')} notes (load -> first list render)`, ours: ms(r.coldStart10kMs), limit: `with none ${ms(r.coldStartEmptyMs)}`, ratio: x(coldRatio), target: '<= 1.3x with none', met: check(coldRatio, (v) => v <= 1.3) },
    { figure: 'Cold start with no notes (load -> the empty list)', ours: ms(r.coldStartEmptyMs) },
    { figure: `Offline reload (${size(r, 'coldStartNotes', 'N')} notes, service worker)`, ours: ms(r.offlineReloadMs) },
  ];
}

function mergeRows(r: Results): Row[] {
  const rows: Row[] = r.merge.map((m) => ({
    figure: `Merge ${num(m.batch)} pulled actions into ${num(m.history)}`,
    ours: num(m.oursActionsPerSec, ' actions/s'),
    limit: `seed design ${num(m.seedActionsPerSec, ' actions/s')}`,
    ratio: `${round(m.speedup)}x the seed${m.agree ? '' : ' (rows DIFFER: bench bug)'}`,
    target: '>= 50,000/s',
    met: m.oursActionsPerSec >= 50_000,
  }));
  const first = r.merge[0];
  const last = r.merge[r.merge.length - 1];
  if (first && last && last !== first) {
    const flat = ratio(last.oursActionsPerSec, first.oursActionsPerSec);
    rows.push({ figure: `Merge flatness: into ${num(last.history)} over into ${num(first.history)}`, ours: x(flat), ratio: x(flat), target: '>= 0.8x', met: check(flat, (v) => v >= 0.8) });
  }
  if (r.merge.length === 0) rows.push({ figure: 'Merge of a pulled page', ours: 'skipped', target: '>= 50,000/s', met: null });
  const mt = r.sizes.mergeText;
  const mtSize = Array.isArray(mt) ? `${num(mt[1] ?? null)} edits into ${num(mt[0] ?? null)} notes` : 'N edits';
  rows.push({ figure: `Merge of a pulled page of text edits (${mtSize}, Yjs documents loaded and stored)`, ours: num(r.mergeTextEditsPerSec, ' actions/s') });
  return rows;
}

function syncRows(r: Results): Row[] {
  const body = r.sizes.textEditNoteBytes as number | undefined;
  return [
    {
      figure: `Initial sync of ${size(r, 'initialSyncActions', 'N')} actions (${r.initialSyncVia ?? 'n/a'})`,
      ours: num(r.initialSync100kActionsPerSec, ' actions/s'),
      limit: missing(r.initialSync100kMs) ? '' : `${round(r.initialSync100kMs / 1000)} s`,
      target: '<= 5 s',
      met: check(r.initialSync100kMs, (v) => v <= 5_000),
    },
    {
      figure: `Bootstrap: a new device lists ${size(r, 'bootstrapNotes', 'N')} notes (${size(r, 'bootstrapActions', 'M')} actions of history)`,
      ours: ms(r.bootstrap10kMs),
      limit: `whole history ${ms(r.bootstrapHistoryPullMs)}`,
      ratio: x(ratio(r.bootstrap10kMs, r.bootstrapHistoryPullMs)),
      target: '<= 1.5 s',
      met: check(r.bootstrap10kMs, (v) => v <= 1_500),
    },
    {
      figure: 'The same account pulled as its whole history (new device): until Synced, then until its snapshots are all up',
      ours: ms(r.bootstrapHistoryPullMs),
      limit: `+${size(r, 'historyPullCompactedAfterMs', '-')} ms`,
    },
    {
      figure: 'Stored bytes per note after compaction: server (served / with retained history), devices (history pull / bootstrap)',
      ours: `${size(r, 'serverLiveBytesPerNote', '-')} / ${size(r, 'serverBytesPerNoteWithRetained', '-')} B; ${size(r, 'deviceBytesPerNoteAfterHistoryPull', '-')} / ${size(r, 'deviceBytesPerNoteAfterBootstrap', '-')} B`,
    },
    { figure: 'Propagation A -> B p50 / p95 (live events)', ours: `${ms(r.propagationP50Ms)} / ${ms(r.propagationP95Ms)}`, target: '<= 100 ms p50', met: check(r.propagationP50Ms, (v) => v <= 100) },
    {
      figure: `Text edit on the wire: one saved word in a ${missing(body) ? '10 KB' : num(body, ' B')} note`,
      ours: num(r.textEditPayloadBytes, ' B'),
      limit: missing(body) ? '' : `the note ${num(body, ' B')}`,
      ratio: x(ratio(r.textEditPayloadBytes, body ?? null)),
    },
  ];
}

function pushRows(r: Results): Row[] {
  const p = r.serverPushesPerSec;
  const against = (key: string, limitKey: string, label: string, min: number): Row => {
    const q = ratio(p[key], p[limitKey]);
    return { figure: `Server pushes/s, ${size(r, 'pushClients', '16')} clients, ${key}`, ours: num(p[key], '/s'), limit: `${label} ${num(p[limitKey], '/s')}`, ratio: x(q), target: `>= ${min}x`, met: check(q, (v) => v >= min) };
  };
  const plain = (key: string): Row => ({ figure: `Server pushes/s, ${size(r, 'pushClients', '16')} clients, ${key}`, ours: num(p[key], '/s') });
  return [
    against('sqlite/16-spaces', 'sqlite/bare', 'bare', 0.5),
    plain('sqlite/1-space'),
    plain('sqlite/bare'),
    against('postgres/16-spaces', 'postgres/bare', 'bare', 0.5),
    plain('postgres/1-space'),
    against('postgres/16-spaces/2-instances', 'postgres/16-spaces', 'one instance', 1.6),
    plain('postgres/bare'),
  ];
}

const loads = (l: readonly number[]): string => (l.length ? l.map((n) => n.toFixed(1)).join('/') : 'n/a');

export function markdown(r: Results): string {
  const rows = [...writeRows(r), ...startRows(r), ...mergeRows(r), ...syncRows(r), ...pushRows(r)];
  const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '/');
  const verdict = (row: Row) => (row.met === undefined ? '' : row.met === null ? 'skipped' : row.met ? 'yes' : 'NO');
  const header = ['Figure', 'Ours', 'Limit / peer', 'Ratio', 'Target', 'Met'];
  const table = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${[row.figure, row.ours, row.limit, row.ratio, row.target].map(cell).join(' | ')} | ${verdict(row)} |`),
  ];
  const bySection = Object.entries(r.machine.loadAverageBySection ?? {}).map(([s, l]) => `${s} ${loads(l)}`);
  const skipped = Object.entries(r.unavailable).map(([k, why]) => `- \`${k}\`: ${why}`);
  return [
    `# Benchmark results (${r.mode})`,
    '',
    `\`${r.command}\` on ${r.date.slice(0, 10)}: Chromium ${r.browser.version} headless, Node ${r.machine.node}, ${r.machine.cpus} cores ` +
      `(load average ${loads(r.machine.loadAverageStart)} at start and ${loads(r.machine.loadAverageEnd)} at the end, shared with other work), ` +
      `cross-origin isolated: ${String(r.browser.crossOriginIsolated)}, worker timer step ${r.browser.workerTimerResolutionUs ?? 'n/a'} us. ` +
      `Took ${Math.round(r.durationSec)} s.`,
    ...(bySection.length ? ['', `Load average (1/5/15 min) as each section started: ${bySection.join('; ')}.`] : []),
    '',
    ...table,
    '',
    'Ratios: durable write over the bare INSERT; the UI round trip over the store\'s write timed after the same idle pause as the round trip\'s calls (the page waits for its list to settle before each; a write after an idle pause costs more, the bare INSERT\'s too, as the paused row shows); ours over each peer (figures taken the same way, from the call in the page: below 1 means we are faster); cold start with notes over with none; server pushes over the bare limit measured beside them (the same clients committing the same rows straight to the database, one transaction per push), and two instances over one. Merge: our actions/s over the seed design\'s (above 1: faster); flatness is the largest history\'s rate over the smallest\'s.',
    `Durable means committed with the app's pragmas (${r.storageSettings ?? 'n/a'}) on opfs-sahpool in a persistent profile, so OPFS writes reach the disk.`,
    'Our write-to-visible ends when the list in the DOM shows the note; the peers\' end at their live query\'s callback (before any DOM work).',
    ...(skipped.length > 0 ? ['', 'Skipped in this run, and why:', ...skipped] : []),
    '',
  ].join('\n');
}
