// What the storage bench worker answers, shared by the worker, its page and the Node driver.

export interface Environment {
  readonly crossOriginIsolated: boolean;
  /** Smallest step of performance.now() seen in the worker, in microseconds. */
  readonly timerResolutionUs: number;
  readonly sqliteVersion: string;
}

export interface WriteOptions {
  readonly warmup: number;
  readonly reps: number;
  readonly bodyChars: number;
  /** Then this many more pairs, each figure after `pauseMs` idle (as the UI loop's calls come). */
  readonly pausedReps: number;
  readonly pauseMs: number;
}

/** Per commit: bytes the access handles wrote, their write() calls, and the time in flush(). */
export interface CommitIo {
  readonly bytes: number[];
  readonly writes: number[];
  readonly flushMs: number[];
}

export interface WriteSamples {
  /** Store.applyLocal of a new note: one action appended and merged, one transaction. */
  readonly writeMs: number[];
  /** One autocommit INSERT of the same bytes (the action as JSON), prepared once. */
  readonly bareMs: number[];
  /** The same two, each after the worker idled `pauseMs`: the UI round trip's calls arrive so. */
  readonly pausedWriteMs: number[];
  readonly pausedBareMs: number[];
  readonly bytesPerRow: number;
  /** What each back-to-back figure's commit wrote and flushed (writeBehind.ts's counters), in order. */
  readonly writeIo: CommitIo;
  readonly bareIo: CommitIo;
  readonly pageSize: number;
  /** The connection's journal mode and synchronous level, as the app's pragmas left them. */
  readonly settings: string;
}

export interface ReadOptions {
  readonly notes: number;
  readonly pointReads: number;
  readonly listReps: number;
}

export interface ReadSamples {
  readonly pointReadMs: number[];
  readonly listMs: number[];
  readonly listed: number;
}

export interface MergeOptions {
  readonly history: number;
  readonly batch: number;
  readonly oursReps: number;
  readonly seedReps: number;
}

export interface MergeSamples {
  readonly history: number;
  readonly batch: number;
  readonly oursMs: number[];
  readonly seedMs: number[];
  /** Both algorithms left the same materialized rows (a check of the bench, not a figure). */
  readonly agree: boolean;
  readonly notes: number;
  /** Actions of the page that are text edits (Yjs updates). */
  readonly textEdits: number;
}

export interface TextMergeOptions {
  /** Notes already on the device (bodies of ~1 KB, made elsewhere), the history merged into. */
  readonly notes: number;
  /** Text edits in the pulled page: a word typed into a note's body, Yjs updates on its base. */
  readonly batch: number;
  readonly reps: number;
}

export interface TextMergeSamples {
  readonly ms: number[];
  readonly notes: number;
  readonly batch: number;
}

export interface StorageBench {
  environment(): Promise<Environment>;
  writes(o: WriteOptions): Promise<WriteSamples>;
  reads(o: ReadOptions): Promise<ReadSamples>;
  merge(o: MergeOptions): Promise<MergeSamples>;
  /** A pulled page of text edits (Yjs) merged into notes made elsewhere: the documents load, merge and store. */
  mergeText(o: TextMergeOptions): Promise<TextMergeSamples>;
  /** Fills the app's own database (its pool and file) with notes, as if synced in. Run on the app's origin. */
  seedApp(notes: number): Promise<{ notes: number }>;
}

declare global {
  interface Window {
    storageBench?: StorageBench;
  }
}
