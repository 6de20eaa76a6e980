// Accounts, sync status and conflicts as signals, for the views. The worker decides when to sync;
// this module shows what it says (status smoothed, see statusSmoothing.ts), relays the page's hints
// (focus, visibility, online) and runs the account and conflict actions, keeping their errors in words.
import { batch, createMemo, createSignal, type Accessor } from 'solid-js';
import { uuidv7 } from 'uuidv7';
import type { ConflictEntry, SyncNowReason, SyncStatus } from '../../worker/api';
import { describeError } from '../text/messages';
import { createStatusSmoother, withBrowserOnline } from '../logic/statusSmoothing';
import { toWorkerError, type NotesClient } from '../connection/workerClient';

export type AccountAction = 'signIn' | 'register' | 'signOut' | 'changePassword' | 'signOutEverywhere' | 'deleteAccount';

export interface SyncModel {
  /** What "Sync status" shows; null until the worker first says. */
  readonly status: Accessor<SyncStatus | null>;
  readonly conflicts: Accessor<readonly ConflictEntry[]>;
  /** The account action under way, if any (its buttons are disabled meanwhile). */
  readonly busy: Accessor<AccountAction | null>;
  /** Why the last account action failed, in words. */
  readonly accountError: Accessor<string | null>;
  readonly clearAccountError: () => void;
  /** Why the last restore or dismiss failed, in words. */
  readonly conflictError: Accessor<string | null>;
  /** Whether "not synced yet" marks mean anything: this device has (or had) an account. */
  readonly tracksSync: Accessor<boolean>;
  start(): Promise<void>;
  /** Notes changed (here or pulled): the conflicts may have too. */
  changed(): void;
  register(username: string, password: string): Promise<boolean>;
  signIn(username: string, password: string): Promise<boolean>;
  signOut(): Promise<boolean>;
  changePassword(currentPassword: string, newPassword: string): Promise<boolean>;
  signOutEverywhere(): Promise<boolean>;
  deleteAccount(password: string): Promise<boolean>;
  restore(id: number): Promise<void>;
  dismiss(id: number): Promise<void>;
  /** Tells the worker the page came back (focus, visible, online): a good moment to sync. */
  hint(reason: SyncNowReason): void;
  /** The browser's online/offline events, as the page hears them. */
  setBrowserOnline(online: boolean): void;
  dispose(): void;
}

/** Auth failures carry a message written for the user (wrong password, name taken, unreachable). */
function describeAccountError(error: unknown): string {
  const e = toWorkerError(error);
  if ((e.kind === 'AuthError' || e.kind === 'AccountMismatchError' || e.kind === 'NetworkError') && e.message.trim()) return e.message;
  return describeError(e);
}

export function createSyncModel(client: NotesClient): SyncModel {
  const [shown, setShown] = createSignal<SyncStatus | null>(null);
  const [browserOnline, setBrowserOnline] = createSignal(typeof navigator === 'undefined' || navigator.onLine);
  const status = createMemo(() => withBrowserOnline(shown(), browserOnline()));
  const [conflicts, setConflicts] = createSignal<readonly ConflictEntry[]>([]);
  const [busy, setBusy] = createSignal<AccountAction | null>(null);
  const [accountError, setAccountError] = createSignal<string | null>(null);
  const [conflictError, setConflictError] = createSignal<string | null>(null);
  const smoother = createStatusSmoother({
    show: setShown,
    schedule: (run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    },
  });
  let unsubscribe: (() => void) | null = null;
  let lastConflictCount = -1;
  // Counts statuses heard from the subscription, so an answer older than one of them is not shown.
  let heard = 0;

  // One conflicts read at a time; changes arriving meanwhile cause exactly one more read.
  let listing: Promise<void> | null = null;
  let listAgain = false;
  function relistConflicts(): Promise<void> {
    if (listing) {
      listAgain = true;
      return listing;
    }
    const run = (async () => {
      try {
        do {
          listAgain = false;
          setConflicts(await client.listConflicts());
        } while (listAgain);
      } catch (error) {
        console.warn('notes: could not list conflicts', error);
      } finally {
        listing = null;
      }
    })();
    listing = run;
    return run;
  }

  function received(next: SyncStatus): void {
    smoother.push(next);
    // Restored or dismissed elsewhere (another tab's worker, the sync): the list follows the count.
    if (next.conflictCount !== lastConflictCount) {
      lastConflictCount = next.conflictCount;
      void relistConflicts();
    }
  }

  async function start(): Promise<void> {
    unsubscribe = await client.subscribeStatus((next) => {
      heard++;
      received(next);
    });
    await relistConflicts();
  }

  async function account(action: AccountAction, run: () => Promise<SyncStatus>): Promise<boolean> {
    if (busy()) return false;
    batch(() => {
      setBusy(action);
      setAccountError(null);
    });
    const heardBefore = heard;
    try {
      const after = await run();
      // The subscription reports the outcome too; the answer only fills in if it has not spoken yet.
      if (heard === heardBefore) received(after);
      return true;
    } catch (error) {
      setAccountError(describeAccountError(error));
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function conflictAction(run: () => Promise<void>): Promise<void> {
    setConflictError(null);
    try {
      await run();
    } catch (error) {
      setConflictError(describeError(error));
    }
    await relistConflicts();
  }

  return {
    status,
    conflicts,
    busy,
    accountError,
    clearAccountError: () => setAccountError(null),
    conflictError,
    tracksSync: () => {
      const s = status();
      return s !== null && (s.account !== null || s.boundUsername !== null);
    },
    start,
    changed: () => void relistConflicts(),
    register: (username, password) => account('register', () => client.register(username, password)),
    signIn: (username, password) => account('signIn', () => client.signIn(username, password)),
    signOut: () => account('signOut', () => client.signOut()),
    changePassword: (currentPassword, newPassword) => account('changePassword', () => client.changePassword(currentPassword, newPassword)),
    signOutEverywhere: () => account('signOutEverywhere', () => client.signOutEverywhere()),
    deleteAccount: (password) => account('deleteAccount', () => client.deleteAccount(password)),
    // The action id is made here, where the user acted: a retried call restores once.
    restore: (id) => conflictAction(() => client.restoreConflict(id, { actionId: uuidv7() })),
    dismiss: (id) => conflictAction(() => client.dismissConflict(id)),
    hint: (reason) => void client.syncNow(reason).catch(() => undefined),
    setBrowserOnline: (online) => {
      setBrowserOnline(online);
      void client.syncNow(online ? 'online' : 'offline').catch(() => undefined);
    },
    dispose: () => {
      smoother.dispose();
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
