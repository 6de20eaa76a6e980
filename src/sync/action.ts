// The unit of sync: one entry of the append-only log of user intent (DESIGN.md section 2).

export type FieldValue = string;

export const actionTypes = ['create', 'update', 'delete', 'restore', 'purge'] as const;
export type ActionType = (typeof actionTypes)[number];

export interface Action {
  /** UUIDv7 made where the user acted: the idempotency key of the whole system. */
  readonly id: string;
  readonly collection: string;
  readonly entityId: string;
  readonly type: ActionType;
  /** create/update/restore: the fields written; delete/purge: {}. */
  readonly payload: Readonly<Record<string, FieldValue>>;
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
