import { Match, Show, Switch, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { AccountDialog } from './AccountDialog';
import { ConflictsPanel, RefusedChanges } from './Conflicts';
import { Editor, NoNoteOpen } from './Editor';
import { NoteList } from './NoteList';
import { LockedScreen, FailedScreen, OpeningScreen, MemoryBanner, NoticeBanner, SessionEndedBanner } from './Notices';
import { StatusBar } from './StatusBar';
import { pendingLine } from './syncText';
import { UpdatePrompt } from './UpdatePrompt';
import type { NotesStore } from './store';

export function App(props: { store: NotesStore }): JSX.Element {
  const store = props.store;
  const sync = store.sync;
  const [accountOpen, setAccountOpen] = createSignal(false);

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
    onCleanup(() => {
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
                    <button type="button" class="button primary" onClick={() => void store.newNote()}>
                      <span aria-hidden="true" class="plus">+</span>
                      New note
                    </button>
                  </header>
                  <div class="search">
                    <input
                      type="search"
                      aria-label="Search notes"
                      placeholder="Search"
                      value={store.query()}
                      onInput={(e) => store.setQuery(e.currentTarget.value)}
                      autocomplete="off"
                      spellcheck={false}
                    />
                  </div>
                  <NoteList store={store} />
                  <ConflictsPanel sync={sync} />
                  <RefusedChanges items={sync.status()?.quarantined ?? []} titleOf={store.titleOf} />
                  <StatusBar sync={sync} storage={ready().storage} onAccount={() => setAccountOpen(true)} />
                </aside>
                <main class="editor-pane">
                  <Show when={store.editor.openId()} fallback={<NoNoteOpen hasNotes={store.noteCount() > 0} />}>
                    <Editor store={store} />
                  </Show>
                </main>
              </div>
              <AccountDialog sync={sync} open={accountOpen()} onClose={() => setAccountOpen(false)} />
            </div>
          )}
        </Match>
      </Switch>
      <UpdatePrompt beforeReload={() => store.editor.flush()} />
    </>
  );
}
