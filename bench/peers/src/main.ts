// The peers page: opens one peer at a time and times its single write and write-to-visible, the
// same way the app's figures are taken (from the call in the page).

import type { PeerAdapter, PeerBench, PeerName, PeerRunOptions, PeerSamples } from './contract';
import { openEvolu } from './evolu';
import { openPowerSync } from './powersync';

function open(name: PeerName): Promise<PeerAdapter> {
  switch (name) {
    case 'evolu':
      return openEvolu();
    case 'powersync-opfs-coop-sync':
      return openPowerSync('OPFSCoopSyncVFS');
    case 'powersync-idb-batch-atomic':
      return openPowerSync('IDBBatchAtomicVFS');
  }
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(name: PeerName, o: PeerRunOptions): Promise<PeerSamples> {
  const peer = await open(name);
  const body = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(o.bodyChars / 27)).slice(0, o.bodyChars);
  const writeMs: number[] = [];
  const visibleMs: number[] = [];
  try {
    for (let i = 0; i < o.warmup + o.reps; i++) {
      const title = `bench ${i} ${Math.random().toString(36).slice(2, 10)}`;
      const visible = peer.whenVisible(title);
      const t0 = performance.now();
      await peer.write(title, body);
      const t1 = performance.now();
      const t2 = await Promise.race([visible, settle(30_000).then(() => Promise.reject(new Error(`${name}: row not visible within 30 s`)))]);
      if (i >= o.warmup) {
        writeMs.push(t1 - t0);
        visibleMs.push(t2 - t0);
      }
      await settle(5);
    }
  } finally {
    await peer.close();
  }
  return { writeMs, visibleMs };
}

const bench: PeerBench = { run };
window.peerBench = bench;
