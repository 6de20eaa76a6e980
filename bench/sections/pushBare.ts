// The bare limits beside the server's push throughput: the same clients committing straight to the
// same kind of database, one transaction per push that writes the rows a push writes (the action
// row, by the server's own toRow, and the space's new head), and nothing else: no HTTP, auth,
// validation, client binding or duplicate check. The schema is the server's, made by its store.
// - PostgreSQL: one statement per push (the head moved and the row inserted in one round trip),
//   one connection per client.
// - SQLite: the server's single writer connection and settings, BEGIN IMMEDIATE per push.

import postgres from 'postgres';
import { uuidv7 } from 'uuidv7';
import { openPostgresStore } from '../../src/server/store/postgres/postgresStore';
import { toRow, type ActionRow } from '../../src/server/store/rows';
import { openConnection, openSqliteStore } from '../../src/server/store/sqlite/sqliteStore';
import type { Store } from '../../src/server/store/types';
import { noteMaker, pushesPerSec, type PushWindow } from '../lib/pushLoad';

interface Space {
  readonly spaceId: string;
  readonly userId: string;
}

/** One account per client, made through the store as registration makes them. */
async function spacesIn(store: Store, count: number): Promise<Space[]> {
  const out: Space[] = [];
  for (let i = 0; i < count; i++) {
    const s = { spaceId: uuidv7(), userId: uuidv7() };
    await store.createUser({ id: s.userId, username: `bench_bare_${i}_${s.userId}`, passwordHash: 'unused', spaceId: s.spaceId, createdAt: Date.now() });
    out.push(s);
  }
  return out;
}

/** A client's next action as the row the server would insert (seq filled in by the commit). */
function rowMaker(space: Space): () => ActionRow {
  const notes = noteMaker();
  return () => toRow(notes.next(), space.spaceId, 0, space.userId, Date.now());
}

const COLUMNS = Object.keys(toRow(noteMaker().next(), '', 0, '', 0)) as (keyof ActionRow)[];

export async function postgresBare(url: string, w: PushWindow): Promise<number> {
  const store = await openPostgresStore({ url, max: 1 });
  const spaces = await spacesIn(store, w.clients).finally(() => store.close());
  const sql = postgres(url, { max: w.clients, onnotice: () => {} });
  const params = COLUMNS.filter((c) => c !== 'seq');
  const values = COLUMNS.map((c) => (c === 'seq' ? '(SELECT head FROM h)' : `$${params.indexOf(c) + 1}`));
  const statement =
    `WITH h AS (UPDATE spaces SET head = head + 1 WHERE id = $${params.indexOf('space_id') + 1} RETURNING head) ` +
    `INSERT INTO actions (${COLUMNS.join(', ')}) VALUES (${values.join(', ')})`;
  try {
    return await pushesPerSec(w, async (i) => {
      const next = rowMaker(spaces[i]!);
      return async () => {
        const row = next();
        await sql.unsafe(statement, params.map((c) => row[c]), { prepare: true });
      };
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function sqliteBare(file: string, w: PushWindow): Promise<number> {
  const store = openSqliteStore({ path: file });
  const spaces = await spacesIn(store, w.clients).finally(() => store.close());
  const db = openConnection(file, 5_000);
  try {
    const moveHead = db.prepare('UPDATE spaces SET head = head + 1 WHERE id = ? RETURNING head');
    const insert = db.prepare(`INSERT INTO actions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    const tx = db.transaction((row: ActionRow) => {
      const { head } = moveHead.get(row.space_id) as { head: number };
      insert.run({ ...row, seq: head });
    });
    return await pushesPerSec(w, async (i) => {
      const next = rowMaker(spaces[i]!);
      // Synchronous, as the server's writer is: the clients take turns between their awaits.
      return async () => tx.immediate(next());
    });
  } finally {
    db.close();
  }
}
