// Builds what the bench serves, with Vite: the real app (its own vite.config.ts, into a folder of
// the bench's so a concurrent `vite build` of dist/ is not disturbed), the storage bench page, the
// probe injected into app pages, and the peers' page.

import path from 'node:path';
import { build, type InlineConfig } from 'vite';
import { BENCH, BUILD, PEERS, ROOT } from './paths';

export const APP_DIR = path.join(BUILD, 'app');
export const STORAGE_DIR = path.join(BUILD, 'storage');
export const PROBE_FILE = path.join(BUILD, 'probe', 'probe.js');
export const PEERS_DIR = path.join(BUILD, 'peers');

const quiet: Pick<InlineConfig, 'logLevel' | 'clearScreen'> = { logLevel: 'warn', clearScreen: false };
/** The bundler's notes on slow plugins are noise in the bench's log on a busy machine. */
const noTimings = { checks: { bundlerTimings: false } };

/** A page whose workers import sqlite-wasm: as the app's config does, keep the wasm beside its module. */
function pageConfig(root: string, outDir: string): InlineConfig {
  return {
    ...quiet,
    configFile: false,
    root,
    base: './',
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, rolldownOptions: noTimings },
  };
}

export async function buildApp(): Promise<void> {
  await build({ ...quiet, root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), build: { outDir: APP_DIR, emptyOutDir: true, rolldownOptions: noTimings } });
}

export async function buildStoragePage(): Promise<void> {
  await build(pageConfig(path.join(BENCH, 'browser', 'storage'), STORAGE_DIR));
}

export async function buildProbe(): Promise<void> {
  await build({
    ...quiet,
    configFile: false,
    root: BENCH,
    build: {
      outDir: path.dirname(PROBE_FILE),
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      rolldownOptions: noTimings,
      lib: { entry: path.join(BENCH, 'browser', 'probe.ts'), formats: ['iife'], name: 'notesBenchProbe', fileName: () => 'probe.js' },
    },
  });
}

export async function buildPeersPage(): Promise<void> {
  const config = pageConfig(PEERS, PEERS_DIR);
  await build({ ...config, optimizeDeps: { exclude: ['@journeyapps/wa-sqlite', '@powersync/web', '@evolu/sqlite-wasm'] } });
}
