// A small modal form: a native <dialog> (focus stays inside, Escape closes it, focus returns to
// the button that opened it), with a heading, a message area and Cancel.

import { h, statusArea } from './dom.js';
import { submits } from './form.js';

let count = 0;

/**
 * Open `title` with `fields` and a submit button labelled `action`. On submit `send()` runs
 * (through form.submits, with `check` if given); when it resolves the dialog closes, when the API
 * refuses, its message is shown in the dialog.
 */
export function formDialog(title, fields, action, send, { check } = {}) {
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
  submits(form, message, async () => {
    await send();
    dialog.close();
  }, { check });
  document.body.append(dialog);
  dialog.showModal();
  const first = form.querySelector('input, select, textarea');
  if (first) first.focus();
  return dialog;
}
