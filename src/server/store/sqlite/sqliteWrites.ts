// The SQLite store's writes, one at a time on its single writer connection, each inside BEGIN
// IMMEDIATE (SQLite's write lock taken up front, so a read inside cannot go stale).
//
// Pushes commit in groups: a commit at synchronous=FULL waits for the disk (fsync), and better-sqlite3
// waits on the event loop's thread, so one commit per push caps a server at one fsync per push. The
// pushes that arrive while a transaction runs, or in the same turn of the event loop, share the next
// transaction instead: each inside a SAVEPOINT of its own (a push that fails is rolled back alone,
// the others stay), and each answered only after the COMMIT that holds it, so an acknowledged push
// is as durable as before.

/** What the queue needs of a better-sqlite3 connection. */
export interface WriteConnection {
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

interface Member {
  readonly body: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Most pushes one transaction takes; the rest wait for the next. */
export const MAX_GROUP = 64;

type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class SqliteWrites {
  private tail: Promise<unknown> = Promise.resolve();
  /** The group pushes join until it starts. */
  private open: Member[] | undefined;

  constructor(
    private readonly db: WriteConnection,
    /** When a group starts once its turn has come: after the event loop's pending I/O (setImmediate). */
    private readonly nextTurn: (run: () => void) => void = (run) => void setImmediate(run),
  ) {}

  /** Runs `task` alone, after every write queued before it, outside any transaction. */
  exclusive<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** A write transaction of its own. */
  transaction<T>(body: () => Promise<T> | T): Promise<T> {
    return this.exclusive(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await body();
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  /** A write in the next group commit: answered once that group's COMMIT is durable. */
  grouped<T>(body: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const member: Member = { body, resolve: resolve as (value: unknown) => void, reject };
      if (this.open !== undefined && this.open.length < MAX_GROUP) {
        this.open.push(member);
        return;
      }
      const group: Member[] = [member];
      this.open = group;
      void this.exclusive(async () => {
        await new Promise<void>((turn) => this.nextTurn(turn));
        if (this.open === group) this.open = undefined;
        await this.commitGroup(group);
      });
    });
  }

  private async commitGroup(group: readonly Member[]): Promise<void> {
    const settled: Settled[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const member of group) {
        this.db.exec('SAVEPOINT push');
        try {
          const value = await member.body();
          this.db.exec('RELEASE push');
          settled.push({ ok: true, value });
        } catch (error) {
          // SQLite ends the whole transaction itself on some errors (a full disk, I/O): then nothing
          // of the group is left to commit, and the throw below fails every member.
          if (!this.db.inTransaction) throw error;
          this.db.exec('ROLLBACK TO push');
          this.db.exec('RELEASE push');
          settled.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const member of group) member.reject(error);
      return;
    }
    group.forEach((member, i) => {
      const s = settled[i]!;
      if (s.ok) member.resolve(s.value);
      else member.reject(s.error);
    });
  }
}
