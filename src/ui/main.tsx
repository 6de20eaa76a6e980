import { createRoot } from 'solid-js';
import { render } from 'solid-js/web';
import { App } from './App';
import { offerToBench } from './browser/benchHook';
import { createNotesStore } from './state/store';
import { connectWorker } from './connection/workerClient';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
// The store lives as long as the page: its own reactive root, owned by nothing that unmounts.
const store = createRoot(() => createNotesStore(connectWorker()));
render(() => <App store={store} />, root);
offerToBench({
  createNote: async (title, body) => {
    const { confirmed } = await store.createNoteShown({ title, body });
    await confirmed;
  },
});
void store.start();
