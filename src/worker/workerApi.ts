// The NotesApi handed to Comlink (api.ts): only its methods, bound, so nothing internal leaks to
// the page. Notes, conflicts, sync, trash and export/import live in their own services; this
// joins them.

import type { NotesApi } from './api';
import type { ConflictService } from './notes/conflictService';
import { ExportImportService } from './files/exportImportService';
import type { NotesService } from './notes/notesService';
import type { SyncService } from './sync/syncService';
import { TrashService } from './notes/trash';

export function notesApiOf(
  notes: NotesService,
  sync: SyncService,
  conflicts: ConflictService,
  trash: TrashService = new TrashService(notes),
  files: ExportImportService = new ExportImportService(notes),
): NotesApi {
  return {
    open: async () => {
      const r = await notes.open();
      // Only the worker that owns the database syncs it.
      if (r.state === 'ready') sync.start().catch((e: unknown) => console.error('Sync could not start', e));
      return r;
    },
    listNotes: (options) => notes.listNotes(options),
    getNoteSummaries: (ids) => notes.getNoteSummaries(ids),
    getNote: (id) => notes.getNote(id),
    createNote: (fields, options) => notes.createNote(fields, options),
    updateNote: (id, fields, options) => notes.updateNote(id, fields, options),
    deleteNote: (id, options) => notes.deleteNote(id, options),
    searchNotes: (query, options) => notes.searchNotes(query, options),
    listTrash: () => trash.list(),
    restoreNote: (id, options) => trash.restore(id, options),
    purgeNote: (id, options) => trash.purge(id, options),
    emptyTrash: () => trash.empty(),
    exportJson: () => files.exportJson(),
    exportMarkdown: () => files.exportMarkdown(),
    importJson: (text) => files.importJson(text),
    subscribe: (listener) => notes.subscribe(listener),
    unsubscribe: async (id) => {
      await notes.unsubscribe(id);
      sync.unsubscribeStatus(id);
    },
    register: (username, password) => sync.register(username, password),
    signIn: (username, password) => sync.signIn(username, password),
    signOut: () => sync.signOut(),
    changePassword: (currentPassword, newPassword) => sync.changePassword(currentPassword, newPassword),
    signOutEverywhere: () => sync.signOutEverywhere(),
    deleteAccount: (password) => sync.deleteAccount(password),
    getSyncStatus: () => sync.getSyncStatus(),
    syncNow: (reason) => sync.syncNow(reason),
    subscribeStatus: (listener) => sync.subscribeStatus(listener),
    listConflicts: () => conflicts.list(),
    restoreConflict: (id, options) => conflicts.restore(id, options),
    dismissConflict: (id) => conflicts.dismiss(id),
  };
}
