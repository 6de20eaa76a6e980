// The bench's output: one JSON document with stable keys (so runs can be compared by a script) and
// a markdown table of the same figures beside their limit or peer and their target.

import fs from 'node:fs';
import path from 'node:path';
import { markdown } from './report';

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

/** A durable write's commit as the access handles saw it (medians over the back-to-back reps). */
export interface CommitIoFigures {
  bytesPerCommit: number;
  /** bytesPerCommit over the page size: about how many pages the commit wrote. */
  pagesPerCommit: number;
  writeCallsPerCommit: number;
  flushP50Ms: number;
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
  machine: {
    cpus: number;
    loadAverageStart: number[];
    loadAverageEnd: number[];
    /** The 1/5/15-minute load averages as each section started: the machine is shared. */
    loadAverageBySection?: Record<string, number[]>;
    platform: string;
    node: string;
  };
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
  /** The same write and bare INSERT, each after the worker idled as long as before a UI round trip. */
  pausedWriteP50Ms: number | null;
  pausedBareInsertP50Ms: number | null;
  writeToBareRatio: number | null;
  /** What the durable write and the bare INSERT each wrote and flushed per commit. */
  writeIo: { pageSize: number | null; ours: CommitIoFigures | null; bare: CommitIoFigures | null };
  uiRoundTripP50Ms: number | null;
  uiRoundTripP95Ms: number | null;
  /** getNote from the page and back: the call path alone, beside the write's round trip. */
  uiReadRoundTripP50Ms: number | null;
  /** A bare message to a worker that only answers it, and back, after the same idle pause. */
  uiPingP50Ms: number | null;
  writeToVisibleP50Ms: number | null;
  writeToVisibleP95Ms: number | null;
  /** The same, on the device holding 10,000 notes (the list the UI re-reads is 10k long). */
  writeToVisible10kP50Ms: number | null;
  peers: Record<string, PeerFigures>;
  pointReadP50Ms: number | null;
  pointReadP99Ms: number | null;
  list10kMs: number | null;
  coldStart10kMs: number | null;
  /** The same cold start on a device holding no notes (the list's first render is its empty state). */
  coldStartEmptyMs: number | null;
  offlineReloadMs: number | null;
  merge: MergeFigures[];
  /** A pulled page of text edits (Yjs updates on their notes' bases) merged, actions/s. */
  mergeTextEditsPerSec: number | null;
  initialSync100kActionsPerSec: number | null;
  initialSync100kMs: number | null;
  /** 'browser': the app's worker synced over HTTP; 'node': runSyncCycle + Store in Node (fallback). */
  initialSyncVia: 'browser' | 'node' | null;
  propagationP50Ms: number | null;
  propagationP95Ms: number | null;
  /** A new device signs in to an account of 10,000 notes (200,000 actions of history) until all are listed. */
  bootstrap10kMs: number | null;
  /** The same account pulled as its whole history, by another new device, in the same run. */
  bootstrapHistoryPullMs: number | null;
  /** Bytes of the push request bodies that carry one saved word typed into a 10 KB note. */
  textEditPayloadBytes: number | null;
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
    pausedWriteP50Ms: null,
    pausedBareInsertP50Ms: null,
    writeToBareRatio: null,
    writeIo: { pageSize: null, ours: null, bare: null },
    uiRoundTripP50Ms: null,
    uiRoundTripP95Ms: null,
    uiReadRoundTripP50Ms: null,
    uiPingP50Ms: null,
    writeToVisibleP50Ms: null,
    writeToVisibleP95Ms: null,
    writeToVisible10kP50Ms: null,
    peers: {},
    pointReadP50Ms: null,
    pointReadP99Ms: null,
    list10kMs: null,
    coldStart10kMs: null,
    coldStartEmptyMs: null,
    offlineReloadMs: null,
    merge: [],
    mergeTextEditsPerSec: null,
    initialSync100kActionsPerSec: null,
    initialSync100kMs: null,
    initialSyncVia: null,
    propagationP50Ms: null,
    propagationP95Ms: null,
    bootstrap10kMs: null,
    bootstrapHistoryPullMs: null,
    textEditPayloadBytes: null,
    serverPushesPerSec: {},
    unavailable: {},
  };
}

export function writeResults(dir: string, name: string, r: Results): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  fs.writeFileSync(md, markdown(r));
  return { json, md };
}
