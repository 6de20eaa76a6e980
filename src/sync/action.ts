// The unit of sync: one entry of the append-only log of user intent (DESIGN.md section 2).

export type FieldValue = string;

export const actionTypes = ['create', 'update', 'delete', 'restore', 'purge', 'snapshot'] as const;
export type ActionType = (typeof actionTypes)[number];

/**
 * A change to a text field made on a base (DESIGN.md section 2): only the change, as a Yjs update
 * (v1 encoding, base64), and the stamp of the base it was made on.
 */
export interface TextEdit {
  readonly base: string;
  readonly update: string;
}

export interface Action {
  /** UUIDv7 made where the user acted: the idempotency key of the whole system. */
  readonly id: string;
  readonly collection: string;
  readonly entityId: string;
  readonly type: ActionType;
  /**
   * create/update/restore: the fields written; a text field written here is a replace (a new base).
   * delete/purge/snapshot: {}.
   */
  readonly payload: Readonly<Record<string, FieldValue>>;
  /** create/update/restore: text fields changed by an edit on a base, never also in `payload`. */
  readonly edits?: Readonly<Record<string, TextEdit>>;
  /** snapshot only: the server seq its maker had pulled up to; it covers the entity's seq <= basis. */
  readonly basis?: number;
  /** snapshot only: the whole entity state, encoded by the client (opaque to the server). */
  readonly state?: string;
  /** Hybrid logical clock stamp, see hlc.ts. */
  readonly hlc: string;
  readonly clientId: string;
  /**
   * Per field, the stamp the field had on this device when the user acted ("" when it had none).
   * Lets a receiver tell an overwrite made without seeing its value (a conflict) from a later edit.
   */
  readonly base?: Readonly<Record<string, string>>;
}

/** An action as the server stores and serves it. */
export interface SequencedAction extends Action {
  readonly seq: number;
}
