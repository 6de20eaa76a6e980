// The Install button: shown when the browser offers to install the app (beforeinstallprompt), gone
// once it is installed or already running as an installed app.
import { createSignal, type Accessor } from 'solid-js';

/** Chromium's BeforeInstallPromptEvent: not in the DOM typings, so checked by shape. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice?: Promise<{ readonly outcome: string }>;
}

function isInstallPrompt(e: Event): e is InstallPromptEvent {
  return typeof (e as Partial<InstallPromptEvent>).prompt === 'function';
}

export interface InstallModel {
  readonly canInstall: Accessor<boolean>;
  /** Shows the browser's install prompt; resolves to whether the user accepted. */
  install(): Promise<boolean>;
  dispose(): void;
}

export function createInstallModel(win: Window): InstallModel {
  const [offer, setOffer] = createSignal<InstallPromptEvent | null>(null);
  const standalone = win.matchMedia?.('(display-mode: standalone)');
  const [installed, setInstalled] = createSignal(standalone?.matches === true);

  const onOffer = (e: Event): void => {
    if (!isInstallPrompt(e)) return;
    // Keep the browser's own mini-infobar away: the app offers installation with its button.
    e.preventDefault();
    setOffer(e);
  };
  const onInstalled = (): void => {
    setInstalled(true);
    setOffer(null);
  };
  const onDisplayMode = (e: MediaQueryListEvent): void => {
    setInstalled(e.matches);
  };

  win.addEventListener('beforeinstallprompt', onOffer);
  win.addEventListener('appinstalled', onInstalled);
  standalone?.addEventListener('change', onDisplayMode);

  async function install(): Promise<boolean> {
    const e = offer();
    if (!e) return false;
    // A prompt can be shown once: the next offer comes with a new event.
    setOffer(null);
    await e.prompt();
    const choice = await e.userChoice?.catch(() => null);
    return choice?.outcome === 'accepted';
  }

  return {
    canInstall: () => offer() !== null && !installed(),
    install,
    dispose: () => {
      win.removeEventListener('beforeinstallprompt', onOffer);
      win.removeEventListener('appinstalled', onInstalled);
      standalone?.removeEventListener('change', onDisplayMode);
    },
  };
}
