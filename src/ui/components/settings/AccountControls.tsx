// The account controls of the signed-in panel (DESIGN.md section 9): "Change password" (fields
// "Current password" and "New password"; the other devices are signed out, this one stays),
// "Sign out everywhere", and "Delete account" (asks for the password). Each opens in place; the
// buttons that open a form give way to the form's own button of the same name, so only one of
// each name is on the page at a time.
import { Match, Show, Switch, createSignal, type JSX } from 'solid-js';
import type { SyncModel } from '../../state/syncModel';

export type AccountEnding = 'everywhere' | 'deleted';

type Open = 'password' | 'delete' | null;

/** `onEnding`: said before the account leaves the status (so the panel after it can say why), and null if it did not. */
export function AccountControls(props: { sync: SyncModel; onEnding: (how: AccountEnding | null) => void }): JSX.Element {
  const sync = props.sync;
  const [open, setOpen] = createSignal<Open>(null);
  const [changed, setChanged] = createSignal(false);
  const busy = (): boolean => sync.busy() !== null;

  const show = (which: Open): void => {
    sync.clearAccountError();
    setChanged(false);
    setOpen(which);
  };

  const signOutEverywhere = async (): Promise<void> => {
    sync.clearAccountError();
    props.onEnding('everywhere');
    if (!(await sync.signOutEverywhere())) props.onEnding(null);
  };

  return (
    <div class="account-controls">
      <Switch
        fallback={
          <>
            <Show when={changed()}>
              <p class="dialog-text notice" role="status">
                Password changed. Your other devices are signed out; this one stays signed in.
              </p>
            </Show>
            <div class="form-actions">
              <button type="button" class="button secondary" disabled={busy()} onClick={() => show('password')}>
                Change password
              </button>
              <button type="button" class="button secondary" disabled={busy()} onClick={() => void signOutEverywhere()}>
                Sign out everywhere
              </button>
              <button type="button" class="button danger" disabled={busy()} onClick={() => show('delete')}>
                Delete account
              </button>
            </div>
          </>
        }
      >
        <Match when={open() === 'password'}>
          <ChangePasswordForm
            sync={sync}
            onCancel={() => show(null)}
            onDone={() => {
              setOpen(null);
              setChanged(true);
            }}
          />
        </Match>
        <Match when={open() === 'delete'}>
          <DeleteAccountForm sync={sync} onCancel={() => show(null)} onEnding={props.onEnding} />
        </Match>
      </Switch>
    </div>
  );
}

/** A form of the account panel: checked by the app, not the browser; `onSubmit` hears which button sent it. */
export function AccountForm(props: { onSubmit: (submitter: string | null) => void; children: JSX.Element }): JSX.Element {
  return (
    <form
      class="account-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit(e.submitter instanceof HTMLButtonElement ? e.submitter.value : null);
      }}
    >
      {props.children}
    </form>
  );
}

function PasswordField(props: { label: string; name: string; autocomplete: string; value: string; onInput: (v: string) => void; ref?: (el: HTMLInputElement) => void }): JSX.Element {
  return (
    <label class="field">
      <span class="field-label">{props.label}</span>
      <input
        ref={(el) => props.ref?.(el)}
        name={props.name}
        type="password"
        autocomplete={props.autocomplete}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}

function ChangePasswordForm(props: { sync: SyncModel; onCancel: () => void; onDone: () => void }): JSX.Element {
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  let first: HTMLInputElement | undefined;
  queueMicrotask(() => first?.focus());
  return (
    <AccountForm onSubmit={() => void props.sync.changePassword(current(), next()).then((ok) => ok && props.onDone())}>
      <PasswordField label="Current password" name="current-password" autocomplete="current-password" value={current()} onInput={setCurrent} ref={(el) => (first = el)} />
      <PasswordField label="New password" name="new-password" autocomplete="new-password" value={next()} onInput={setNext} />
      <p class="field-hint">8 characters or more. Your other devices will be signed out; their notes stay on them.</p>
      <FormActions sync={props.sync} submit="Change password" busyText="Changing your password…" submitClass="primary" onCancel={props.onCancel} />
    </AccountForm>
  );
}

function DeleteAccountForm(props: { sync: SyncModel; onCancel: () => void; onEnding: (how: AccountEnding | null) => void }): JSX.Element {
  const [password, setPassword] = createSignal('');
  let field: HTMLInputElement | undefined;
  queueMicrotask(() => field?.focus());
  return (
    <AccountForm
      onSubmit={() => {
        props.onEnding('deleted');
        void props.sync.deleteAccount(password()).then((ok) => ok || props.onEnding(null));
      }}
    >
      <p class="dialog-text notice">
        Deleting your account erases your notes on the server, for good. Every device is signed out and keeps the notes it has, local only.
      </p>
      <PasswordField label="Password" name="password" autocomplete="current-password" value={password()} onInput={setPassword} ref={(el) => (field = el)} />
      <FormActions sync={props.sync} submit="Delete account" busyText="Deleting your account…" submitClass="danger-solid" onCancel={props.onCancel} />
    </AccountForm>
  );
}

function FormActions(props: { sync: SyncModel; submit: string; busyText: string; submitClass: string; onCancel: () => void }): JSX.Element {
  const busy = (): boolean => props.sync.busy() !== null;
  return (
    <div class="form-actions" aria-busy={busy()}>
      <button type="submit" class={`button ${props.submitClass}`} disabled={busy()}>
        {props.submit}
      </button>
      <button type="button" class="button ghost" disabled={busy()} onClick={() => props.onCancel()}>
        Cancel
      </button>
      <Show when={busy()}>
        <span class="busy-text">{props.busyText}</span>
      </Show>
    </div>
  );
}
