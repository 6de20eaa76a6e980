// A small modal question before something that cannot be undone (Empty trash, Delete forever).
// A native <dialog>: focus stays inside, Escape cancels, the page behind is inert. The safe answer
// has the focus first.
import { createEffect, type JSX } from 'solid-js';

export interface ConfirmRequest {
  readonly title: string;
  readonly text: string;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
}

export function ConfirmDialog(props: { request: ConfirmRequest | null; onClose: () => void }): JSX.Element {
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let dialog: HTMLDialogElement | undefined;
  // eslint-disable-next-line no-unassigned-vars -- assigned by Solid's ref
  let cancelButton: HTMLButtonElement | undefined;
  let returnFocus: HTMLElement | null = null;

  createEffect(() => {
    if (!dialog) return;
    if (props.request && !dialog.open) {
      returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      cancelButton?.focus();
    } else if (!props.request && dialog.open) {
      dialog.close();
    }
  });

  const close = (): void => {
    props.onClose();
    if (returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  };

  return (
    <dialog
      ref={dialog}
      class="app-dialog confirm-dialog"
      role="alertdialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-text"
      onClose={close}
    >
      <div class="dialog-card">
        <h2 id="confirm-title" class="dialog-title">
          {props.request?.title}
        </h2>
        <p id="confirm-text" class="dialog-text">
          {props.request?.text}
        </p>
        <div class="form-actions dialog-actions">
          <button ref={cancelButton} type="button" class="button secondary" onClick={() => dialog?.close()}>
            Cancel
          </button>
          <button
            type="button"
            class="button danger-solid"
            onClick={() => {
              props.request?.onConfirm();
              dialog?.close();
            }}
          >
            {props.request?.confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  );
}
