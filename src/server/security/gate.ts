// At most `concurrency` tasks at once, at most `queue` more waiting, the rest refused at once. Password
// hashing runs behind one: scrypt takes ~100 ms of a libuv thread and 128 MiB per call at OWASP's
// parameters, so a storm of sign-ins (random usernames dodge every per-account limit) must be turned
// away quickly instead of queueing without bound and starving file and DNS work of their threads.

export class GateFullError extends Error {
  override name = 'GateFullError';
}

export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Runs `task` when a slot is free; throws GateFullError without running it when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new GateFullError('too many tasks waiting');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
