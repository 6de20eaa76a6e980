// The words the app uses for sync: the "Sync status" line, the count of unsynced changes, and what a
// conflict is. Pure, so each sentence is tested without a browser.
import type { ConflictEntry, SyncStatus } from '../../worker/api';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

/** What the status line is made from (errorCode absent: no code to put in words). */
type StatusFacts = Pick<SyncStatus, 'state' | 'lastSyncedAt' | 'error'> & Partial<Pick<SyncStatus, 'errorCode'>>;

/** When the last sync finished: the time today, the day and time before. */
export function formatSyncedAt(ms: number, now: Date = new Date()): string {
  const when = new Date(ms);
  return when.toDateString() === now.toDateString() ? timeFormat.format(when) : dayTimeFormat.format(when);
}

/**
 * The status line. It holds exactly one of the words Local only / Offline / Syncing / Synced / Error
 * (the UI contract), then what a person needs next to it: the time of the last sync, or the reason.
 */
export function statusLine(status: StatusFacts, now: Date = new Date()): string {
  const { word, detail } = statusParts(status, now);
  return detail === null ? word : `${word} ${detail}`;
}

/** The status line in two parts, so the view can set the word apart from a long reason. */
export function statusParts(
  status: StatusFacts,
  now: Date = new Date(),
): { readonly word: string; readonly detail: string | null } {
  switch (status.state) {
    case 'local-only':
      return { word: 'Local only', detail: null };
    case 'offline':
      return { word: 'Offline', detail: null };
    case 'syncing':
      return { word: 'Syncing…', detail: null };
    case 'synced':
      return { word: 'Synced', detail: status.lastSyncedAt === null ? null : formatSyncedAt(status.lastSyncedAt, now) };
    case 'error':
      return { word: 'Error:', detail: refusalText(status.errorCode) ?? (status.error?.trim() || 'sync failed. Retrying.') };
  }
}

/**
 * The server's refusals for a limit, in words: nothing was lost, the changes wait on this device.
 * null for any other code (the worker's own reason is shown then).
 */
export function refusalText(code: string | null | undefined): string | null {
  switch (code) {
    case 'storage_full':
      return "the server's storage for this account is full. Your changes are kept on this device and sent once there is room.";
    case 'rate_limited':
      return 'the server asked this device to slow down. Your changes are kept on this device and sent again shortly.';
    case 'busy':
      return 'the server is busy. Your changes are kept on this device and sent again shortly.';
    default:
      return null;
  }
}

/** "3 changes not synced", or null when everything is on the server. */
export function pendingLine(count: number): string | null {
  if (count <= 0) return null;
  return count === 1 ? '1 change not synced' : `${count} changes not synced`;
}

export function fieldName(field: string): string {
  if (field === 'title') return 'Title';
  if (field === 'body') return 'Body';
  return field.charAt(0).toUpperCase() + field.slice(1);
}

/** What happened to the edit that lost, in one sentence. */
export function conflictSummary(entry: Pick<ConflictEntry, 'kind' | 'field'>): string {
  const what = fieldName(entry.field).toLowerCase();
  return entry.kind === 'deleted'
    ? `You edited the ${what} of a note that was deleted on another device.`
    : `Your edit to the ${what} was overwritten by an edit made on another device.`;
}
