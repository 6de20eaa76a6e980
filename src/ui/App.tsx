import { Match, Show, Switch, createEffect, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { AccountDialog } from './components/settings/AccountDialog';
import { AppNav } from './components/shell/AppNav';
import { ConflictsPanel, RefusedChanges } from './components/notes/Conflicts';
import { Editor, NoNoteOpen } from './components/notes/Editor';
import { createInstallModel } from './browser/install';
import { NoteList } from './components/notes/NoteList';
import { LockedScreen, FailedScreen, OpeningScreen, MemoryBanner, NoticeBanner, SessionEndedBanner } from './components/shell/Notices';
import { SearchBox } from './components/notes/SearchBox';
import { SettingsDialog } from './components/settings/SettingsDialog';
import { isMacPlatform, listenForShortcuts, shortcutKeys } from './logic/shortcuts';
import { StatusBar } from './components/shell/StatusBar';
import { createStorageModel } from './state/storageModel';
import { pendingLine } from './text/syncText';
import { TrashView } from './components/notes/TrashView';
import { UndoToast } from './components/shell/UndoToast';
import { UpdatePrompt } from './components/shell/UpdatePrompt';
import type { NotesStore } from './state/store';

/** Below this width one pane shows at a time (styles.css). */
const narrowScreen = '(max-width: 719px)';

export function App(props: { store: NotesStore }): JSX.Element {
  const store = props.store;
  const sync = store.sync;
  const [accountOpen, setAccountOpen] = createSignal(false);
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  // Made with the page: the browser may offer installation before the notes are open.
  const install = createInstallModel(window);
  onCleanup(() => install.dispose());
  const storage = createStorageModel(navigator.storage);
  const mac = isMacPlatform(navigator);
  const keys = shortcutKeys(mac);
  let searchInput: HTMLInputElement | undefined;
  const isReady = (): boolean => store.phase().kind === 'ready';
  /** A shortcut's handler: runs `action` once the notes are open; false (the key's usual meaning) otherwise. */
  const whenReady =
    (action: () => unknown, applies: () => boolean = () => true) =>
    (): boolean => {
      if (!isReady() || !applies()) return false;
      void action();
      return true;
    };

  // Ask the browser to keep the notes (persistent storage) once there is a note worth keeping.
  createEffect(() => {
    const p = store.phase();
    if (p.kind === 'ready' && p.storage === 'opfs' && store.noteCount() > 0) storage.requestOnce();
  });

  const focusSearch = async (): Promise<void> => {
    // On a phone the search box is on the list's screen.
    if (store.view() !== 'list' && window.matchMedia(narrowScreen).matches) await store.backToList();
    searchInput?.focus();
    searchInput?.select();
  };
  const closeTrash = (): void => {
    void store.backToList().then(() => document.querySelector<HTMLElement>('.app-nav .nav-button')?.focus());
  };

  onMount(() => {
    // Whatever is typed is written before the page goes away or to the background.
    const flush = (): void => void store.editor.flush();
    // Coming back (to the window, the tab, the network) is a good moment to sync; the worker decides.
    const onVisibility = (): void => {
      if (document.visibilityState === 'hidden') flush();
      else sync.hint('visibility');
    };
    const onFocus = (): void => sync.hint('focus');
    const onOnline = (): void => sync.setBrowserOnline(true);
    const onOffline = (): void => sync.setBrowserOnline(false);
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('focus', onFocus);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    const stopShortcuts = listenForShortcuts(document, mac, {
      'new-note': whenReady(() => store.newNote()),
      'focus-search': whenReady(focusSearch),
      undo: whenReady(
        () => store.undoDelete(),
        () => store.lastDeleted() !== null,
      ),
    });
    onCleanup(() => {
      stopShortcuts();
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('focus', onFocus);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    });
  });

  const sessionEnded = (): boolean => {
    const s = sync.status();
    return s !== null && s.sessionExpired && s.account === null;
  };

  return (
    <>
      <Switch>
        <Match when={store.phase().kind === 'opening'}>
          <OpeningScreen />
        </Match>
        <Match when={store.phase().kind === 'locked'}>
          <LockedScreen />
        </Match>
        <Match when={(() => { const p = store.phase(); return p.kind === 'failed' ? p : null; })()}>
          {(failed) => <FailedScreen message={failed().message} />}
        </Match>
        <Match when={(() => { const p = store.phase(); return p.kind === 'ready' ? p : null; })()}>
          {(ready) => (
            <div class="app" data-view={store.view()}>
              <Show when={ready().storage === 'memory'}>
                <MemoryBanner detail={ready().warning} />
              </Show>
              <Show when={store.notice()}>
                {(text) => <NoticeBanner text={text()} onDismiss={store.dismissNotice} />}
              </Show>
              <Show when={sessionEnded()}>
                <SessionEndedBanner pending={pendingLine(sync.status()?.pendingCount ?? 0)} onSignIn={() => setAccountOpen(true)} />
              </Show>
              <div class="panes">
                <aside class="sidebar">
                  <header class="sidebar-header">
                    <h1 class="app-title">Notes</h1>
                    <button
                      type="button"
                      class="button primary new-note-button"
                      title={`New note (${keys.newNote.label})`}
                      aria-keyshortcuts={keys.newNote.aria}
                      onClick={() => void store.newNote()}
                    >
                      <span aria-hidden="true" class="plus">+</span>
                      New note
                    </button>
                  </header>
                  <SearchBox store={store} shortcut={keys.search} inputRef={(el) => (searchInput = el)} />
                  <NoteList store={store} />
                  <ConflictsPanel sync={sync} />
                  <RefusedChanges items={sync.status()?.quarantined ?? []} titleOf={store.titleOf} />
                  <AppNav
                    trashOpen={store.view() === 'trash'}
                    onTrash={() => (store.view() === 'trash' ? closeTrash() : void store.openTrash())}
                    onSettings={() => setSettingsOpen(true)}
                    install={install}
                  />
                  <StatusBar sync={sync} storage={ready().storage} onAccount={() => setAccountOpen(true)} />
                </aside>
                <main class="editor-pane">
                  <Switch fallback={<NoNoteOpen hasNotes={store.noteCount() > 0} />}>
                    <Match when={store.view() === 'trash'}>
                      <TrashView store={store} onBack={closeTrash} />
                    </Match>
                    <Match when={store.editor.openId()}>
                      <Editor store={store} />
                    </Match>
                  </Switch>
                </main>
              </div>
              <AccountDialog sync={sync} open={accountOpen()} onClose={() => setAccountOpen(false)} />
              <SettingsDialog
                open={settingsOpen()}
                onClose={() => setSettingsOpen(false)}
                files={store.files}
                storage={storage}
                storageKind={ready().storage}
                keys={keys}
              />
            </div>
          )}
        </Match>
      </Switch>
      <UpdatePrompt beforeReload={() => store.editor.flush()}>
        <Show when={isReady()}>
          <UndoToast store={store} shortcut={keys.undo} />
        </Show>
      </UpdatePrompt>
    </>
  );
}
