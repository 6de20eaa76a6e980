// The storage bench page: starts the bench worker and hands its API to the Node driver.
import * as Comlink from 'comlink';
import type { StorageBench } from './contract';

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'storage-bench' });
window.storageBench = Comlink.wrap<StorageBench>(worker) as unknown as StorageBench;
