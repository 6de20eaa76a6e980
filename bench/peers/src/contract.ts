// What the peers page answers to the Node driver (bench/sections/peers.ts).

export const peerNames = ['evolu', 'powersync-opfs-coop-sync', 'powersync-idb-batch-atomic'] as const;
export type PeerName = (typeof peerNames)[number];

export interface PeerRunOptions {
  readonly warmup: number;
  readonly reps: number;
  readonly bodyChars: number;
}

export interface PeerSamples {
  /** From the write call in the page until the peer reports it committed. */
  readonly writeMs: number[];
  /** From the write call until the peer's live query returns the new row. */
  readonly visibleMs: number[];
}

/** One stack under test: a notes table, a write, and a live query over it. */
export interface PeerAdapter {
  /** Resolves once the peer says the write is committed. */
  write(title: string, body: string): Promise<void>;
  /** Resolves with performance.now() when the live query first holds a row with this title. */
  whenVisible(title: string): Promise<number>;
  close(): Promise<void>;
}

export interface PeerBench {
  run(name: PeerName, o: PeerRunOptions): Promise<PeerSamples>;
}

declare global {
  interface Window {
    peerBench?: PeerBench;
  }
}
