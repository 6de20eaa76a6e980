// A private copy of the built app on its own port (so its own origin): a test may change its files,
// as a deploy would, without touching what the other tests are served.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServedCopy {
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`vite preview did not answer on ${url} within ${timeoutMs} ms`);
}

/** Copies dist/ (built by the e2e web server) and serves the copy with `vite preview` on `port`. */
export async function serveCopyOfDist(port: number): Promise<ServedCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'notes-dist-'));
  cpSync('dist', dir, { recursive: true });
  const child = spawn('npx', ['vite', 'preview', '--outDir', dir, '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://localhost:${port}`;
  const close = async (): Promise<void> => {
    // npx starts vite in a child: end the whole group this test started.
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, dir, close };
}
