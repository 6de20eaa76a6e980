// Moves between notes (open, new, delete, undo, the Trash, back to the list) run one at a time, in
// the order asked. The list shows a new note or a delete at once, so the next click can come before
// the move behind it is done: a Delete pressed while a note chosen in the list is still opening acts
// on the chosen note, and the Trash opened right after a delete stays open (the delete's own move to
// the list came first).

export interface MoveQueue {
  /** Runs `run` after every move asked before it. */
  inOrder(run: () => Promise<void>): Promise<void>;
  /** inOrder, with `setSwitching(true)` while any such move waits or runs (the editor is read-only then). */
  switching(run: () => Promise<void>): Promise<void>;
}

/** `attempt` runs one move and turns its failure into what the user is told (it never rejects). */
export function createMoveQueue(attempt: (run: () => Promise<void>) => Promise<void>, setSwitching: (on: boolean) => void): MoveQueue {
  let moves: Promise<void> = Promise.resolve();
  let waiting = 0;

  function inOrder(run: () => Promise<void>): Promise<void> {
    const move = moves.then(() => attempt(run));
    moves = move;
    return move;
  }

  function switching(run: () => Promise<void>): Promise<void> {
    waiting++;
    setSwitching(true);
    return inOrder(run).finally(() => {
      if (--waiting === 0) setSwitching(false);
    });
  }

  return { inOrder, switching };
}
