// Where the bench reads and writes, from the repository root.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCH = path.join(ROOT, 'bench');
// Build output under node_modules/.cache: out of git, lint and typecheck, like any tool's cache.
export const BUILD = path.join(ROOT, 'node_modules', '.cache', 'notes-bench');
export const RESULTS = path.join(BENCH, 'results');
export const PEERS = path.join(BENCH, 'peers');
