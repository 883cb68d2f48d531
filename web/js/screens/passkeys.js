// Passkeys and trusted devices (S31, S35, S36): "Sign in with a passkey" on the sign-in page
// (and in the e-mail field's autofill where the browser offers it), the passkeys and browsers
// in My account, and the page a new-device notice's "this wasn't me" link opens.

import { api, ApiError, showError } from '../api.js';
import { formDialog } from '../dialog.js';
import { field, formatDate, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';
import { navigate } from '../router.js';
import { forget, loadSession, state } from '../session.js';
import { autofillSupported, createPasskey, passkeysSupported, usePasskey } from '../webauthn.js';
import { linkTokenNow } from './auth.js';
import { recoveryCodes } from './recovery_codes.js';

let autofill = null; // the pending autofill request of the sign-in page, if any

function stopAutofill() {
  if (autofill) autofill.abort();
  autofill = null;
}

/**
 * The sign-in page's passkey button; also offers passkeys in `email`'s autofill where it can.
 * Refusals are shown in the page's own `message` area, so the page keeps one error message.
 */
export function passkeySignIn(email, message, lead = 'Or, without typing anything:') {
  stopAutofill();
  if (!passkeysSupported()) return null;
  // The autofill and the button can both get an answer (the autofill's may be on its way when
  // the button is pressed): the first to come back signs in, any later one is let go.
  let answered = false;
  async function signInWith(options, attempt, ceremony) {
    const credential = await usePasskey(options, ceremony);
    if (answered) return;
    answered = true;
    try {
      await api('POST', '/api/auth/passkey', { attempt, credential }, { anonymous: true });
    } catch (error) {
      answered = false;
      throw error;
    }
    await loadSession();
    navigate('/', { replace: true }); // the start page takes the user back to where they were
  }
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in with a passkey');
  const form = h('form', { novalidate: true, class: 'passkey-sign-in' }, button);
  submits(form, message, async () => {
    stopAutofill();
    const ceremony = await api('POST', '/api/auth/passkey/options', undefined, { anonymous: true });
    await signInWith(ceremony.options, ceremony.attempt, {});
  });
  autofillSupported().then(async (yes) => {
    if (!yes || !email.isConnected) return;
    email.setAttribute('autocomplete', 'username webauthn');
    const controller = new AbortController();
    autofill = controller;
    try {
      const ceremony = await api('POST', '/api/auth/passkey/options', undefined, { anonymous: true });
      await signInWith(ceremony.options, ceremony.attempt, { conditional: true, signal: controller.signal });
    } catch (error) {
      if (!controller.signal.aborted && error instanceof ApiError && error.status) showError(message, error);
    }
  });
  return h('div', { class: 'passkey-choice' }, lead ? h('p', { class: 'muted' }, lead) : null, form);
}

// -- step-up (S35) ----------------------------------------------------------------------------

/**
 * The passkey way of a step-up, for every change that asks for one (api.js's step-up listener):
 * true when one of the person's passkeys proved it is them, false when they have none or the
 * browser's prompt was dismissed (the caller then asks for the next method).
 */
export async function stepUpWithPasskey() {
  if (!passkeysSupported()) return false;
  const { passkeys } = await api('GET', '/api/account/passkeys');
  if (!passkeys.length) return false;
  stopAutofill();
  try {
    const ceremony = await api('POST', '/api/account/passkeys/step-up/options');
    const credential = await usePasskey(ceremony.options);
    await api('POST', '/api/account/passkeys/step-up', { attempt: ceremony.attempt, credential });
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    return false;
  }
}

// -- My account: passkeys ---------------------------------------------------------------------

export function passkeysCard() {
  const message = statusArea();
  const done = statusArea('info');
  const list = h('ul', { class: 'list', 'aria-live': 'polite' }, h('li', {}, 'Loading…'));

  async function load() {
    try {
      const data = await api('GET', '/api/account/passkeys');
      replace(list, data.passkeys.length ? data.passkeys.map(item) : h('li', { class: 'muted' }, 'You have no passkeys yet.'));
    } catch (error) {
      showError(message, error);
    }
  }

  function item(passkey) {
    const used = passkey.lastUsedAt ? `last used ${formatDate(passkey.lastUsedAt)}` : 'not used yet';
    return h('li', { class: 'row' },
      h('div', {}, h('strong', {}, passkey.name), h('br'), h('span', { class: 'muted' }, `Added ${formatDate(passkey.createdAt)}, ${used}`)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'small', on: { click: () => rename(passkey) } }, `Rename ${passkey.name}`),
        h('button', { type: 'button', class: 'small danger', on: { click: () => remove(passkey) } }, `Remove ${passkey.name}`)));
  }

  function rename(passkey) {
    const name = h('input', { name: 'name', maxlength: 60, required: true, value: passkey.name });
    formDialog('Rename the passkey', [field('Name', name)], 'Save', async () => {
      await api('PATCH', `/api/account/passkeys/${encodeURIComponent(passkey.id)}`, { name: name.value.trim() });
      await load();
    });
  }

  async function remove(passkey) {
    showMessage(message, '');
    const path = `/api/account/passkeys/${encodeURIComponent(passkey.id)}`;
    try {
      await api('DELETE', path); // a step-up, when one is needed, is asked for by api.js's listener
      showMessage(done, `The passkey “${passkey.name}” is removed.`, 'info');
      await load();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'step_up_required')) showError(message, error);
    }
  }

  const name = h('input', { name: 'name', maxlength: 60, autocomplete: 'off', placeholder: 'For example: my phone' });
  const form = h('form', { novalidate: true }, field('Name for the new passkey', name), h('button', { type: 'submit' }, 'Add a passkey'));
  submits(form, message, async () => {
    showMessage(done, '');
    stopAutofill(); // a browser runs one passkey request at a time
    const ceremony = await api('POST', '/api/account/passkeys/options');
    const credential = await createPasskey(ceremony.options);
    const added = await api('POST', '/api/account/passkeys', { attempt: ceremony.attempt, credential, name: name.value.trim() });
    form.reset();
    if (added.recoveryCodes) {
      // The first strong factor: its recovery codes, shown this once (S33).
      card.replaceWith(recoveryCodes(added.recoveryCodes, () => navigate('/account', { replace: true })));
      return;
    }
    showMessage(done, `Passkey “${added.passkey.name}” added. Next time, choose “Sign in with a passkey”.`, 'info');
    await load();
  });

  load();
  const card = h('section', { class: 'card' },
    h('h2', {}, 'Passkeys'),
    h('p', {}, 'A passkey signs you in with your fingerprint, face or screen lock instead of your password and PIN. ',
      'It works only on this site, so nobody can trick you into using it somewhere else.'),
    message, done, list,
    passkeysSupported() ? form : h('p', { class: 'muted' }, 'This browser cannot make passkeys.'));
  return card;
}

// -- My account: browsers ---------------------------------------------------------------------

export function devicesCard() {
  const message = statusArea();
  const list = h('ul', { class: 'list', 'aria-live': 'polite' }, h('li', {}, 'Loading…'));

  async function load() {
    try {
      const data = await api('GET', '/api/account/devices');
      replace(list, data.devices.map((device) => h('li', { class: 'row' },
        h('div', {}, h('strong', {}, device.name), h('br'),
          h('span', { class: 'muted' }, `First signed in ${formatDate(device.firstSeenAt)}, last ${formatDate(device.lastSeenAt)}`)),
        device.current
          ? h('span', { class: 'badge' }, 'This browser')
          : h('button', { type: 'button', class: 'small', on: { click: () => forgetDevice(device.id) } }, `Forget ${device.name}`))));
    } catch (error) {
      showError(message, error);
    }
  }

  async function forgetDevice(id) {
    try {
      await api('DELETE', `/api/account/devices/${encodeURIComponent(id)}`);
      await load();
    } catch (error) {
      showError(message, error);
    }
  }

  load();
  return h('section', { class: 'card' }, h('h2', {}, 'Browsers you have signed in with'),
    h('p', {}, 'We e-mail you when a browser signs in for the first time. Forget one you no longer use: its next sign-in counts as new.'),
    message, list);
}

// -- the "this wasn't me" link (S36) -----------------------------------------------------------

export function notMeScreen() {
  const key = 'journal-link-not-me';
  const fresh = linkTokenNow();
  if (fresh) sessionStorage.setItem(key, fresh);
  const token = sessionStorage.getItem(key) || '';
  const title = 'Sign out everywhere';
  if (!token) {
    return h('section', { class: 'card narrow' }, h('h1', {}, title),
      h('p', { class: 'message error', role: 'alert' }, 'This link is incomplete. Please open it again from your e-mail.'));
  }
  const message = statusArea();
  const form = h('form', { novalidate: true }, h('button', { type: 'submit', class: 'primary danger' }, 'Sign out everywhere'));
  submits(form, message, async () => {
    const answer = await api('POST', '/api/auth/not-me', { token }, { anonymous: true });
    sessionStorage.removeItem(key);
    forget();
    state.notice = answer.message;
    navigate('/signin', { replace: true });
  });
  return h('section', { class: 'card narrow' }, h('h1', {}, title),
    h('p', {}, 'Did someone sign in to your account who was not you? This signs your account out on every device at once. ',
      'Then choose a new password.'),
    message, form);
}
