// A small modal form: a native <dialog> (focus stays inside, Escape closes it, focus returns to
// the button that opened it), with a heading, a message area and Cancel.

import { h, showMessage, statusArea } from './dom.js';

let count = 0;

/**
 * Open `title` with `fields` and a submit button labelled `action`. `onSubmit(message)` runs on
 * submit; when it resolves the dialog closes, when it throws an ApiError its message is shown.
 */
export function formDialog(title, fields, action, onSubmit) {
  count += 1;
  const headingId = `dialog-${count}`;
  const message = statusArea();
  const save = h('button', { type: 'submit', class: 'primary' }, action);
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { novalidate: true }, message, fields, h('div', { class: 'actions' }, save, cancel));
  const dialog = h('dialog', { class: 'form-dialog', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), form);
  const opener = document.activeElement;
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await onSubmit(message);
      dialog.close();
    } catch (error) {
      if (error.status === 401) return dialog.close();
      showMessage(message, error.message, 'error');
    } finally {
      save.disabled = false;
    }
    return undefined;
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = form.querySelector('input, select, textarea');
  if (first) first.focus();
  return dialog;
}
