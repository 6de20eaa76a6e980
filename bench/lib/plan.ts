// Sizes and repetitions: the full run (figures for the README) and --quick (a smoke test of every
// code path with tiny sizes, run by npm test so the harness cannot rot).

/**
 * The UI loop lets its worker idle this long before each round trip (its list's refresh ends
 * first); the store's write is timed after the same pause too, so the two compare like for like.
 */
const UI_PAUSE_MS = 5;

export interface Plan {
  readonly quick: boolean;
  /** pausedReps more pairs come after `pauseMs` idle each: the UI round trip's pause (ui.pauseMs). */
  readonly writes: { warmup: number; reps: number; bodyChars: number; pausedReps: number; pauseMs: number };
  readonly reads: { notes: number; pointReads: number; listReps: number };
  readonly merge: { histories: number[]; batch: number; oursReps: number; seedReps: number };
  /** A pulled page of `batch` text edits into `notes` notes (Yjs documents loaded and merged). */
  readonly mergeText: { notes: number; batch: number; reps: number };
  /** pauseMs: how long the page lets the worker idle before each round trip. */
  readonly ui: { warmup: number; reps: number; bodyChars: number; pauseMs: number };
  readonly coldStart: { notes: number; reps: number; visibleReps: number };
  readonly initialSync: { actions: number };
  readonly propagation: { warmup: number; reps: number };
  /** A new device signing in to an account of `notes` notes carrying `actions` actions of history. */
  readonly bootstrap: { notes: number; actions: number };
  /** One word typed into a note of `noteBytes` (ASCII) bytes. */
  readonly textEdit: { noteBytes: number };
  readonly push: { clients: number; warmupMs: number; measureMs: number };
  readonly peers: { warmup: number; reps: number; bodyChars: number } | null;
}

export const fullPlan: Plan = {
  quick: false,
  writes: { warmup: 100, reps: 1_000, bodyChars: 300, pausedReps: 300, pauseMs: UI_PAUSE_MS },
  reads: { notes: 10_000, pointReads: 1_000, listReps: 20 },
  merge: { histories: [1_000, 10_000, 100_000], batch: 1_000, oursReps: 7, seedReps: 3 },
  mergeText: { notes: 1_000, batch: 1_000, reps: 5 },
  ui: { warmup: 20, reps: 200, bodyChars: 300, pauseMs: UI_PAUSE_MS },
  coldStart: { notes: 10_000, reps: 7, visibleReps: 20 },
  initialSync: { actions: 100_000 },
  propagation: { warmup: 3, reps: 30 },
  bootstrap: { notes: 10_000, actions: 200_000 },
  textEdit: { noteBytes: 10_240 },
  push: { clients: 16, warmupMs: 1_000, measureMs: 5_000 },
  peers: { warmup: 20, reps: 200, bodyChars: 300 },
};

export const quickPlan: Plan = {
  quick: true,
  writes: { warmup: 5, reps: 30, bodyChars: 300, pausedReps: 10, pauseMs: UI_PAUSE_MS },
  reads: { notes: 300, pointReads: 30, listReps: 3 },
  merge: { histories: [200, 1_000], batch: 100, oursReps: 2, seedReps: 1 },
  mergeText: { notes: 50, batch: 50, reps: 1 },
  ui: { warmup: 2, reps: 10, bodyChars: 300, pauseMs: UI_PAUSE_MS },
  coldStart: { notes: 200, reps: 2, visibleReps: 3 },
  initialSync: { actions: 1_000 },
  propagation: { warmup: 1, reps: 3 },
  bootstrap: { notes: 50, actions: 400 },
  textEdit: { noteBytes: 2_000 },
  push: { clients: 16, warmupMs: 200, measureMs: 500 },
  peers: null,
};
