// Submitting a form, the same way everywhere: nothing is sent twice, the user sees what was
// refused and where, and can try again at once.

import { ApiError, showError } from './api.js';
import { h, showMessage } from './dom.js';

/**
 * Own `form`'s submit. `check()` may return `[element, text]`: a problem found before sending,
 * shown in `message` with the element focused. Otherwise `send(submitter)` runs with every control
 * disabled (and the form aria-busy); if it throws, the error is shown in `message` and beside the
 * field the API named, and `failed(error)` runs once the controls are back.
 */
export function submits(form, message, send, { check = () => null, failed = () => {} } = {}) {
  let pending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (pending) return;
    clearErrors(form);
    showMessage(message, '');
    const problem = check();
    if (problem) {
      showMessage(message, problem[1], 'error');
      problem[0].focus();
      return;
    }
    pending = true;
    const restore = disable(form);
    let refused = null;
    try {
      await send(event.submitter);
    } catch (error) {
      refused = error;
    }
    restore();
    pending = false;
    if (!refused) return;
    showError(message, refused);
    const target = refused instanceof ApiError ? markField(form, refused) : null;
    if (target) target.focus();
    failed(refused);
    if (!(refused instanceof ApiError)) throw refused; // a bug, not an answer: let it be seen
  });
}

/** Disable the controls that are enabled now; the returned function re-enables just those. */
function disable(form) {
  const controls = [...form.elements].filter((element) => !element.disabled);
  for (const element of controls) element.disabled = true;
  form.setAttribute('aria-busy', 'true');
  return () => {
    for (const element of controls) element.disabled = false;
    form.setAttribute('aria-busy', 'false');
  };
}

function markField(form, error) {
  const input = error.field && form.elements.namedItem(error.field);
  if (!input || !(input instanceof Element)) return null;
  const note = h('p', { class: 'field-error', id: `${input.id || error.field}-error` }, error.message);
  input.setAttribute('aria-invalid', 'true');
  input.dataset.describedBefore = input.getAttribute('aria-describedby') || '';
  input.setAttribute('aria-describedby', `${input.dataset.describedBefore} ${note.id}`.trim());
  input.after(note);
  return input;
}

function clearErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const before = input.dataset.describedBefore;
    if (before) input.setAttribute('aria-describedby', before);
    else input.removeAttribute('aria-describedby');
    delete input.dataset.describedBefore;
  }
}
