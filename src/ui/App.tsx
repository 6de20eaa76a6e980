import { Match, Show, Switch, onCleanup, onMount, type JSX } from 'solid-js';
import { Editor, NoNoteOpen } from './Editor';
import { NoteList } from './NoteList';
import { LockedScreen, FailedScreen, OpeningScreen, MemoryBanner, NoticeBanner } from './Notices';
import { StatusBar } from './StatusBar';
import { UpdatePrompt } from './UpdatePrompt';
import type { NotesStore } from './store';

export function App(props: { store: NotesStore }): JSX.Element {
  const store = props.store;

  // Whatever is typed is written before the page goes away or to the background.
  onMount(() => {
    const flush = (): void => void store.editor.flush();
    const onVisibility = (): void => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    onCleanup(() => {
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
    });
  });

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
                  <StatusBar storage={ready().storage} />
                </aside>
                <main class="editor-pane">
                  <Show when={store.editor.openId()} fallback={<NoNoteOpen hasNotes={store.noteCount() > 0} />}>
                    <Editor store={store} />
                  </Show>
                </main>
              </div>
            </div>
          )}
        </Match>
      </Switch>
      <UpdatePrompt beforeReload={() => store.editor.flush()} />
    </>
  );
}
