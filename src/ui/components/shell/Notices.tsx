// Full-page states (opening, locked, failed) and the banners above the app. Text only, never HTML.
import type { JSX } from 'solid-js';

export function OpeningScreen(): JSX.Element {
  return (
    <div class="screen" aria-busy="true">
      <p class="screen-title">Opening your notes…</p>
    </div>
  );
}

/** No tab holding the notes answers (e.g. a tab of an older version of the app is still open). */
export function LockedScreen(): JSX.Element {
  return (
    <div class="screen">
      <div class="screen-card" role="alert" aria-busy="true">
        <h1 class="screen-title">Waiting for another tab to release the notes…</h1>
        <p>
          Another tab or window of this app holds your notes and is not answering. This page opens them as soon as it lets
          go. If it does not, close the app's other tabs, or reload this one.
        </p>
        <button type="button" class="button primary" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    </div>
  );
}

export function FailedScreen(props: { message: string }): JSX.Element {
  return (
    <div class="screen">
      <div class="screen-card" role="alert">
        <h1 class="screen-title">Notes could not open</h1>
        <p>{props.message}</p>
        <button type="button" class="button primary" onClick={() => location.reload()}>
          Reload
        </button>
      </div>
    </div>
  );
}

export function MemoryBanner(props: { detail?: string | undefined }): JSX.Element {
  return (
    <div class="banner warning" role="alert">
      <strong>Notes will not be kept.</strong>{' '}
      {props.detail ??
        'This browser is not letting the app store notes on this device, so anything written here is lost when this tab closes.'}
    </div>
  );
}

export function NoticeBanner(props: { text: string; onDismiss: () => void }): JSX.Element {
  return (
    <div class="banner error" role="alert">
      <span>{props.text}</span>
      <button type="button" class="button ghost small" onClick={() => props.onDismiss()}>
        Dismiss
      </button>
    </div>
  );
}

/** The server ended the session: nothing is lost, and signing in again picks up where sync stopped. */
export function SessionEndedBanner(props: { pending: string | null; onSignIn: () => void }): JSX.Element {
  return (
    <div class="banner warning session-ended" role="alert">
      <span>
        <strong>You were signed out, so syncing is paused.</strong> Your notes{props.pending ? ` and ${props.pending}` : ''} are kept on
        this device.
      </span>
      <button type="button" class="button primary small" onClick={() => props.onSignIn()}>
        Sign in again
      </button>
    </div>
  );
}
