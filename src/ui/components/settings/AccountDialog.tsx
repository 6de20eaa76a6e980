// The account panel: sign in or create an account to sync; signed in, who you are, Sign out and the
// account controls (AccountControls.tsx). A native modal <dialog>: focus stays inside, Escape
// closes it, the page behind is inert.
import { Match, Show, Switch, createEffect, createSignal, on, type JSX } from 'solid-js';
import type { SyncStatus } from '../../../worker/api';
import { pendingLine, statusLine } from '../../text/syncText';
import type { SyncModel } from '../../state/syncModel';
import { AccountControls, AccountForm, type AccountEnding } from './AccountControls';

/** How this panel's last session ended, for the words above the sign-in form. */
type Ended = 'signedOut' | AccountEnding | null;

export function AccountDialog(props: { sync: SyncModel; open: boolean; onClose: () => void }): JSX.Element {
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let dialog: HTMLDialogElement | undefined;

  // Signing out keeps the panel open, saying what happened, with the way back in below it.
  const [ended, setEnded] = createSignal<Ended>(null);

  createEffect(() => {
    if (!dialog) return;
    if (props.open && !dialog.open) {
      props.sync.clearAccountError();
      setEnded(null);
      dialog.showModal();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  });

  const signedIn = (): SyncStatus['account'] => props.sync.status()?.account ?? null;

  return (
    <dialog
      ref={dialog}
      class="account-dialog"
      aria-labelledby="account-dialog-title"
      onClose={() => props.onClose()}
      // A click on the dialog element itself, outside its card, is a click on the backdrop.
      onClick={(e) => {
        if (e.target === dialog) props.onClose();
      }}
    >
      <div class="dialog-card">
        <div class="dialog-header">
          <h2 id="account-dialog-title" class="dialog-title">
            {signedIn() ? 'Account' : 'Sync your notes'}
          </h2>
          <button type="button" class="button ghost small close-button" aria-label="Close" onClick={() => props.onClose()}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
        <Show when={props.open}>
          <Show when={signedIn()} fallback={<SignInForm sync={props.sync} ended={ended()} onDone={props.onClose} />}>
            {(account) => <SignedIn sync={props.sync} username={account().username} onEnding={setEnded} />}
          </Show>
        </Show>
      </div>
    </dialog>
  );
}

function SignInForm(props: { sync: SyncModel; ended: Ended; onDone: () => void }): JSX.Element {
  const sync = props.sync;
  const status = (): SyncStatus | null => sync.status();
  const bound = (): string | null => status()?.boundUsername ?? null;
  const [username, setUsername] = createSignal(bound() ?? '');
  const [password, setPassword] = createSignal('');
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let usernameInput: HTMLInputElement | undefined;
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let passwordInput: HTMLInputElement | undefined;

  // The name this device already belongs to is filled in: the password is what is left to type.
  createEffect(on(bound, (name) => name && !username() && setUsername(name)));
  queueMicrotask(() => (username() ? passwordInput : usernameInput)?.focus());

  const submit = async (action: 'signIn' | 'register'): Promise<void> => {
    const ok = action === 'signIn' ? await sync.signIn(username(), password()) : await sync.register(username(), password());
    if (ok) {
      setPassword('');
      props.onDone();
    } else {
      passwordInput?.focus();
    }
  };

  const pending = (): string | null => pendingLine(status()?.pendingCount ?? 0);

  return (
    <AccountForm onSubmit={(submitter) => void submit(submitter === 'register' ? 'register' : 'signIn')}>
      <Switch
        fallback={
          <p class="dialog-text">
            <Show
              when={bound()}
              fallback="Sign in, or create an account, to keep your notes in step on all your devices. The notes already on this device are kept and uploaded."
            >
              {(name) => `The notes on this device belong to ${name()}. Sign in as ${name()} to sync them.`}
            </Show>
          </p>
        }
      >
        <Match when={props.ended === 'signedOut'}>
          <p class="dialog-text notice" role="status">
            Signed out. Your notes stay on this device{pending() ? `, with ${pending()}` : ''}, and sync again when you sign in.
          </p>
        </Match>
        <Match when={props.ended === 'everywhere'}>
          <p class="dialog-text notice" role="status">
            Signed out on every device. Your notes stay on each of them{pending() ? `, and here with ${pending()}` : ''}, and sync again when you sign in.
          </p>
        </Match>
        <Match when={props.ended === 'deleted'}>
          <p class="dialog-text notice" role="status">
            Your account is deleted, and your notes with it on the server. They stay on this device, local only: sign in or create an account to sync them again.
          </p>
        </Match>
        <Match when={status()?.accountDeleted}>
          <p class="dialog-text notice">
            This account was deleted on another device. Your notes stay on this device, local only: sign in or create an account to sync them again.
          </p>
        </Match>
        <Match when={status()?.sessionExpired}>
          <p class="dialog-text notice">
            Your session has ended, so syncing is paused. Sign in again to continue: your notes
            {pending() ? ` and ${pending()}` : ''} are kept on this device.
          </p>
        </Match>
      </Switch>
      <label class="field">
        <span class="field-label">Username</span>
        <input
          ref={usernameInput}
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          value={username()}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span class="field-label">Password</span>
        <input
          ref={passwordInput}
          name="password"
          type="password"
          autocomplete="current-password"
          value={password()}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <p class="field-hint">New here? Pick a username (3 or more letters or digits) and a password of 8 characters or more, then Create account.</p>
      <Show when={sync.accountError()}>
        {(message) => (
          <p class="form-error" role="alert">
            {message()}
          </p>
        )}
      </Show>
      <div class="form-actions" aria-busy={sync.busy() !== null}>
        <button type="submit" class="button primary" value="signIn" disabled={sync.busy() !== null}>
          Sign in
        </button>
        <button type="submit" class="button secondary" value="register" disabled={sync.busy() !== null}>
          Create account
        </button>
        <Show when={sync.busy()}>
          <span class="busy-text">{sync.busy() === 'register' ? 'Creating your account…' : 'Signing in…'}</span>
        </Show>
      </div>
    </AccountForm>
  );
}

function SignedIn(props: { sync: SyncModel; username: string; onEnding: (how: Ended) => void }): JSX.Element {
  const sync = props.sync;
  const status = (): SyncStatus | null => sync.status();
  // Said before the account disappears from the status, so the panel never shows the form without why.
  const signOut = async (): Promise<void> => {
    props.onEnding('signedOut');
    if (!(await sync.signOut())) props.onEnding(null);
  };
  return (
    <div class="account-summary">
      <p class="dialog-text">
        Signed in as <strong class="username">{props.username}</strong>
      </p>
      <dl class="sync-facts">
        <div>
          <dt>Sync</dt>
          <dd>{status() ? statusLine(status()!) : ''}</dd>
        </div>
        <div>
          <dt>Changes not synced</dt>
          <dd>{status()?.pendingCount || 'None'}</dd>
        </div>
      </dl>
      <p class="dialog-text muted">Signing out stops syncing on this device. Your notes stay here, and so do changes not synced yet.</p>
      <div class="form-actions">
        <button type="button" class="button danger" disabled={sync.busy() !== null} onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
      <h3 class="dialog-subtitle">Account</h3>
      <AccountControls sync={sync} onEnding={props.onEnding} />
      <Show when={sync.accountError()}>
        {(message) => (
          <p class="form-error after-actions" role="alert">
            {message()}
          </p>
        )}
      </Show>
    </div>
  );
}
