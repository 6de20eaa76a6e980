// What "Sync status" says next to "Error": a failed cycle in words, with what happens next.

import { SyncError } from '../../sync/cycle/transport';

/** The reason shown next to "Error", in words. */
export function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof SyncError)) return `Sync failed on this device: ${message}`;
  switch (e.kind) {
    case 'server':
      return `The server could not sync right now (${message}). Retrying.`;
    case 'forbidden':
      return `The server says this device belongs to another account (${message}).`;
    case 'clock_ahead':
      return `This device's clock is too far ahead of the server's (${message}). Check the date and time settings.`;
    case 'refused':
      return `The server did not take these changes now (${message}). They stay on this device and are sent again later.`;
    default:
      return `The server refused to sync (${message}).`;
  }
}
