// My account: the devices signed in, signing out here or everywhere (S18), password, e-mail and PIN.

import { api, showError } from '../api.js';
import { field, formatDate, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';
import { navigate } from '../router.js';
import { forget, state } from '../session.js';
import { notificationsCard } from './notifications.js';
import { factorsSection } from './factors.js';
import { devicesCard, passkeysCard } from './passkeys.js';

export function accountScreen() {
  const message = statusArea();
  const list = h('ul', { class: 'list', 'aria-live': 'polite' }, h('li', {}, 'Loading…'));
  const here = h('button', { type: 'button' }, 'Sign out this device');
  const everywhere = h('button', { type: 'button', class: 'danger' }, 'Sign out everywhere');
  here.addEventListener('click', () => signOut('/api/auth/logout', 'You are signed out.'));
  everywhere.addEventListener('click', () => signOut('/api/auth/logout-all', 'You are signed out on every device.'));

  async function signOut(path, notice) {
    try {
      await api('POST', path);
    } catch (error) {
      showError(message, error);
      return;
    }
    forget();
    state.notice = notice;
    navigate('/signin', { replace: true });
  }

  async function load() {
    try {
      const data = await api('GET', '/api/auth/sessions');
      replace(list, data.sessions.map((session) => sessionItem(session)));
    } catch (error) {
      showError(message, error);
    }
  }

  function sessionItem(session) {
    const end = session.current
      ? h('span', { class: 'badge' }, 'This device')
      : h('button', { type: 'button', class: 'small', on: { click: () => endOne(session.id) } }, 'Sign out');
    return h(
      'li',
      { class: 'row' },
      h('div', {}, h('strong', {}, session.device || 'A device'), h('br'), h('span', { class: 'muted' }, `Last active ${formatDate(session.lastActiveAt)}`)),
      end,
    );
  }

  async function endOne(id) {
    try {
      await api('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`);
      await load();
    } catch (error) {
      showError(message, error);
    }
  }

  load();
  return h(
    'div',
    {},
    h(
      'section',
      { class: 'card' },
      h('h1', {}, 'My account'),
      h('p', {}, 'Signed in as ', h('strong', {}, state.user.name), '.'),
      message,
      h('h2', {}, 'Where you are signed in'),
      list,
      h('div', { class: 'actions' }, here, everywhere),
    ),
    notificationsCard(),
    factorsSection(),
    passkeysCard(),
    devicesCard(),
    changeForm({
      title: 'Change your password',
      fields: [['currentPassword', 'Current password', 'current-password'], ['newPassword', 'New password', 'new-password']],
      path: '/api/auth/password',
      done: 'Your password is changed. Other devices have been signed out.',
    }),
    emailForm(),
    changeForm({
      title: 'Change your PIN',
      fields: [['password', 'Your password', 'current-password'], ['newPin', 'New PIN', 'off']],
      path: '/api/auth/pin/change',
      done: 'Your PIN is changed.',
    }),
  );
}

/** S38: the new address gets a link to confirm; nothing changes until it is used. */
function emailForm() {
  const message = statusArea();
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { novalidate: true }, field('New e-mail address', email), field('Your password', password),
    h('button', { type: 'submit' }, 'Change your e-mail address'));
  submits(form, message, async () => {
    await api('POST', '/api/auth/email', { email: email.value.trim(), password: password.value });
    form.reset();
    showMessage(message, 'Nearly done: open the link we have sent to the new address to confirm it.', 'info');
  });
  return h('section', { class: 'card' }, h('details', {}, h('summary', {}, 'Change your e-mail address'), message, form));
}

function changeForm({ title, fields, path, done }) {
  const message = statusArea();
  const inputs = fields.map(([name, , autocomplete]) => h('input', { name, type: 'password', autocomplete, required: true }));
  const form = h('form', { novalidate: true }, inputs.map((input, i) => field(fields[i][1], input)), h('button', { type: 'submit' }, title));
  submits(form, message, async () => {
    await api('POST', path, Object.fromEntries(inputs.map((input) => [input.name, input.value])));
    form.reset();
    showMessage(message, done, 'info');
  });
  return h('section', { class: 'card' }, h('details', {}, h('summary', {}, title), message, form));
}
