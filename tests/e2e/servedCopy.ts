// A private copy of the built app on its own port (so its own origin), served by the real sync server
// with its own database: a test may change its files, as a deploy would, without touching what the
// other tests are served.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppServer } from './appServer';

export interface ServedCopy {
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** Copies dist/ (built by the e2e web server) and serves the copy on `port`. */
export async function serveCopyOfDist(port: number): Promise<ServedCopy> {
  const dir = mkdtempSync(join(tmpdir(), 'notes-dist-'));
  cpSync('dist', dir, { recursive: true });
  try {
    const server = await startAppServer({ port, distDir: dir });
    return {
      url: server.url,
      dir,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
