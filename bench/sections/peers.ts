// Peer stacks in the same browser run, on the same kind of page as ours (cross-origin isolated, a
// persistent profile): Evolu (@evolu/web, local only) and PowerSync (@powersync/web) on two VFSs.
// They live in bench/peers, a package of their own that only the bench installs. A peer that
// cannot run here is reported with the reason (peers.<name>.error), not as a failed bench.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { peerNames, type PeerName, type PeerRunOptions, type PeerSamples } from '../peers/src/contract';
import { PEERS_DIR } from '../lib/build';
import { launchDevice, logPageErrors } from '../lib/chromium';
import { serveFiles } from '../lib/httpServer';
import { PEERS, ROOT } from '../lib/paths';
import type { Plan } from '../lib/plan';
import type { PeerFigures, Results } from '../lib/results';
import { median, percentile, ratio, round } from '../lib/stats';

const PEER_TIMEOUT_MS = 10 * 60_000;

function run(command: string, args: string[], cwd: string): void {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? 'unknown'})`);
}

/** Installs bench/peers from its lockfile when missing, and checks the page against the peers' real types. */
export async function ensurePeersInstalled(log: (s: string) => void): Promise<void> {
  const marker = path.join(PEERS, 'node_modules', '.package-lock.json');
  const lock = path.join(PEERS, 'package-lock.json');
  if (!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs) {
    log('installing bench/peers (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund'], PEERS);
  }
  run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', path.join(PEERS, 'tsconfig.json'), '--noEmit'], ROOT);
}

function versionOf(name: PeerName): string | undefined {
  const pkg = name === 'evolu' ? '@evolu/web' : '@powersync/web';
  const file = path.join(PEERS, 'node_modules', pkg, 'package.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runPeers(plan: Plan, r: Results, log: (s: string) => void): Promise<void> {
  const options: PeerRunOptions | null = plan.peers;
  if (!options) return;
  const server = await serveFiles(PEERS_DIR);
  const device = await launchDevice('peers');
  try {
    for (const name of peerNames) {
      log(`peer ${name}: ${options.reps} writes`);
      const figures: PeerFigures = { writeP50Ms: null, writeToVisibleP50Ms: null };
      const version = versionOf(name);
      if (version) figures.version = version;
      const page = await device.context.newPage();
      logPageErrors(page, name);
      try {
        await page.goto(`${server.url}/index.html`);
        await page.waitForFunction(() => window.peerBench !== undefined);
        const s: PeerSamples = await within(
          PEER_TIMEOUT_MS,
          name,
          page.evaluate(([n, o]) => window.peerBench!.run(n, o), [name, options] as const),
        );
        figures.writeP50Ms = round(median(s.writeMs));
        figures.writeP95Ms = round(percentile(s.writeMs, 95));
        figures.writeToVisibleP50Ms = round(median(s.visibleMs));
        figures.writeToVisibleP95Ms = round(percentile(s.visibleMs, 95));
      } catch (e) {
        figures.error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        r.unavailable[`peers.${name}`] = figures.error;
        log(`peer ${name} could not be measured: ${figures.error}`);
      } finally {
        await page.close().catch(() => undefined);
      }
      r.peers[name] = figures;
    }
  } finally {
    await device.close();
    await server.close();
  }
  r.sizes.peerReps = options.reps;
}

/** Our figures over each peer's, once both are known. */
export function peerRatios(r: Results): void {
  for (const p of Object.values(r.peers)) {
    if (p.error) continue;
    p.writeRatio = ratio(r.uiRoundTripP50Ms, p.writeP50Ms);
    p.writeToVisibleRatio = ratio(r.writeToVisibleP50Ms, p.writeToVisibleP50Ms);
  }
}
