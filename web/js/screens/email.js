// The pages the e-mail change links open (S38): confirm a new address, or object from the old one.
// Served like every client page (never under /admin), so a reload shows the page again; the token
// stays in this tab's sessionStorage until it is used, so a reload keeps it too.

import { api } from '../api.js';
import { field, h, statusArea } from '../dom.js';
import { submits } from '../form.js';
import { navigate } from '../router.js';
import { forget, state } from '../session.js';
import { linkTokenNow } from './auth.js';

function tokenFor(page) {
  const key = `journal-link-${page}`;
  const fresh = linkTokenNow();
  if (fresh) sessionStorage.setItem(key, fresh);
  return { token: sessionStorage.getItem(key) || '', used: () => sessionStorage.removeItem(key) };
}

function landing(page, { title, intro, withPassword, button, path, done }) {
  const { token, used } = tokenFor(page);
  const message = statusArea();
  if (!token) {
    return h('section', { class: 'card narrow' }, h('h1', {}, title),
      h('p', { class: 'message error', role: 'alert' }, 'This link is incomplete. Please open it again from your e-mail.'));
  }
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { novalidate: true }, withPassword ? field('Your password', password) : null,
    h('button', { type: 'submit', class: 'primary' }, button));
  submits(form, message, async () => {
    await api('POST', path, withPassword ? { token, password: password.value } : { token }, { anonymous: true });
    used();
    forget();
    state.notice = done;
    navigate('/signin', { replace: true });
  });
  return h('section', { class: 'card narrow' }, h('h1', {}, title), h('p', {}, intro), message, form);
}

export function emailConfirmScreen() {
  return landing('email-confirm', {
    title: 'Confirm your new e-mail address',
    intro: 'Enter your password to confirm. If your account is not set up yet, leave it empty. Every device will be signed out.',
    withPassword: true,
    button: 'Confirm this address',
    path: '/api/auth/email/confirm',
    done: 'Your e-mail address is changed. Please sign in with the new one.',
  });
}

export function emailObjectScreen() {
  return landing('email-object', {
    title: 'Cancel the change of e-mail address',
    intro: 'This cancels the change and signs your account out on every device.',
    withPassword: false,
    button: 'Cancel the change',
    path: '/api/auth/email/object',
    done: 'The change is cancelled and every device is signed out. Please sign in, and tell your setting.',
  });
}
