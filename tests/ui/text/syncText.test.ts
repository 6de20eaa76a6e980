import { describe, expect, it } from 'vitest';
import type { SyncState } from '../../../src/worker/api';
import { conflictSummary, fieldName, formatSyncedAt, pendingLine, statusLine } from '../../../src/ui/text/syncText';

const contractWords = ['Local only', 'Offline', 'Syncing', 'Synced', 'Error'];
const states: SyncState[] = ['local-only', 'offline', 'syncing', 'synced', 'error'];

describe('the Sync status line', () => {
  it('holds exactly one of the contract words for every state', () => {
    for (const state of states) {
      const line = statusLine({ state, lastSyncedAt: Date.now(), error: 'the server could not sync' });
      expect(contractWords.filter((w) => line.includes(w)), `${state}: ${line}`).toHaveLength(1);
    }
  });

  it('says when the last sync finished, and the reason of an error', () => {
    const now = new Date(2026, 2, 14, 16, 0);
    const at = new Date(2026, 2, 14, 14, 3).getTime();
    expect(statusLine({ state: 'synced', lastSyncedAt: at, error: null }, now)).toBe(`Synced ${formatSyncedAt(at, now)}`);
    expect(formatSyncedAt(at, now)).toMatch(/\b0?2:03|14:03/);
    expect(statusLine({ state: 'synced', lastSyncedAt: null, error: null })).toBe('Synced');
    expect(statusLine({ state: 'error', lastSyncedAt: null, error: 'The server refused to sync (bad request).' })).toBe(
      'Error: The server refused to sync (bad request).',
    );
    expect(statusLine({ state: 'error', lastSyncedAt: null, error: null })).toMatch(/^Error: \S/);
    // A refusal for a limit, in words that say nothing was lost.
    expect(statusLine({ state: 'error', lastSyncedAt: null, error: 'The server did not take these changes now (…)', errorCode: 'storage_full' })).toBe(
      "Error: the server's storage for this account is full. Your changes are kept on this device and sent once there is room.",
    );
    for (const code of ['rate_limited', 'busy']) {
      expect(statusLine({ state: 'error', lastSyncedAt: null, error: 'x', errorCode: code })).toMatch(/kept on this device and sent again shortly/);
    }
    expect(statusLine({ state: 'error', lastSyncedAt: null, error: 'The server refused to sync (bad).', errorCode: 'bad_request' })).toBe('Error: The server refused to sync (bad).');
  });

  it('shows the day of a sync that was not today', () => {
    const now = new Date(2026, 2, 14, 9, 0);
    const yesterday = new Date(2026, 2, 13, 22, 30).getTime();
    expect(formatSyncedAt(yesterday, now)).toMatch(/13/);
  });
});

describe('the count of changes not synced', () => {
  it('is absent when everything is on the server, and counts in words otherwise', () => {
    expect(pendingLine(0)).toBeNull();
    expect(pendingLine(1)).toBe('1 change not synced');
    expect(pendingLine(3)).toBe('3 changes not synced');
  });
});

describe('conflict words', () => {
  it('name the field as the editor does, and what happened', () => {
    expect(fieldName('title')).toBe('Title');
    expect(fieldName('body')).toBe('Body');
    expect(conflictSummary({ kind: 'overwritten', field: 'body' })).toBe('Your edit to the body was overwritten by an edit made on another device.');
    expect(conflictSummary({ kind: 'deleted', field: 'title' })).toBe('You edited the title of a note that was deleted on another device.');
  });
});
