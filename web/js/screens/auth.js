// Signing in (password, then PIN), asking for a reset link, and the pages links in e-mails open.

import { api } from '../api.js';
import { field, h, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';
import { navigate } from '../router.js';
import { loadSession, state } from '../session.js';
import { passwordHint, pinHint } from '../strength.js';
import { codeStep, enrolStep } from './factors.js';
import { passkeySignIn } from './passkeys.js';

function input(attributes) {
  return h('input', { required: true, ...attributes });
}

/** Keep a button disabled for the server's Retry-After; the server enforces it anyway. */
function holdBack(button, seconds) {
  button.disabled = true;
  setTimeout(() => {
    button.disabled = false;
  }, seconds * 1000);
}

export function signInScreen() {
  const notice = state.notice;
  state.notice = '';
  const message = statusArea();
  const info = statusArea('info');
  const setting = input({ name: 'setting', autocomplete: 'organization', autocapitalize: 'none', spellcheck: 'false' });
  setting.value = localStorage.getItem('journal.setting') || '';
  const email = input({ name: 'email', type: 'email', autocomplete: 'username' });
  const password = input({ name: 'password', type: 'password', autocomplete: 'current-password' });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'signin-title' },
    field('Nursery short name', setting, 'The short name your nursery gave you, for example little-acorns.'),
    field('E-mail address', email),
    field('Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Continue'),
  );
  const section = h(
    'section',
    { class: 'card narrow' },
    h('h1', { id: 'signin-title' }, 'Sign in to your learning journal'),
    info,
    message,
    form,
    passkeySignIn(email, message),
    h('p', {}, h('a', { href: '/forgot' }, 'Forgotten your password or PIN?')),
  );
  if (notice) showMessage(info, notice, 'info');
  const button = form.querySelector('button');
  submits(
    form,
    message,
    async () => {
      const answer = await api(
        'POST',
        '/api/auth/login',
        { setting: setting.value.trim(), email: email.value.trim(), password: password.value },
        { anonymous: true },
      );
      localStorage.setItem('journal.setting', setting.value.trim());
      section.replaceWith(pinStep(answer.challenge));
    },
    {
      check: () => {
        const missing = [setting, email, password].find((el) => !el.value.trim());
        return missing ? [missing, 'Please fill in every field.'] : null;
      },
      failed: (error) => {
        if (!error.field) password.focus();
        if (error.status === 429 && error.retryAfter) holdBack(button, error.retryAfter);
      },
    },
  );
  return section;
}

function pinStep(challenge) {
  const message = statusArea();
  const pin = input({ name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8, pattern: '[0-9]*' });
  const form = h(
    'form',
    { novalidate: true },
    field('Your PIN', pin, 'The 6 to 8 digit PIN you chose.'),
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  const section = h(
    'section',
    { class: 'card narrow' },
    h('h1', { tabindex: '-1' }, 'Now your PIN'),
    h('p', {}, 'Your password was right. For extra safety, please enter your PIN.'),
    message,
    form,
    h('p', {}, h('a', { href: '/signin' }, 'Start again')),
  );
  submits(
    form,
    message,
    async () => {
      const answer = await api('POST', '/api/auth/pin', { challenge, pin: pin.value }, { anonymous: true });
      if (answer.next) {
        // S32, S34: a code from the authenticator app, or setting one up, comes next.
        section.replaceWith(answer.next === 'code' ? codeStep(answer.challenge, answer.methods) : enrolStep(answer));
        return;
      }
      await loadSession();
      navigate('/', { replace: true }); // the start page takes the user back to where they were
    },
    {
      check: () => (pin.value ? null : [pin, 'Please enter your PIN.']),
      failed: () => {
        pin.value = '';
        pin.focus();
      },
    },
  );
  queueMicrotask(() => pin.focus());
  return section;
}

export function forgotScreen() {
  const message = statusArea();
  const setting = input({ name: 'setting', autocomplete: 'organization', autocapitalize: 'none', spellcheck: 'false' });
  setting.value = localStorage.getItem('journal.setting') || '';
  const email = input({ name: 'email', type: 'email', autocomplete: 'email' });
  const form = h(
    'form',
    { novalidate: true },
    field('Nursery short name', setting),
    field('E-mail address', email),
    h('button', { type: 'submit', class: 'primary' }, 'Send me a reset link'),
  );
  const section = h(
    'section',
    { class: 'card narrow' },
    h('h1', {}, 'Forgotten your password or PIN?'),
    h('p', {}, 'We will e-mail you a link to choose a new password, and a new PIN if you need one. The link works for 60 minutes.'),
    message,
    form,
    h('p', {}, h('a', { href: '/signin' }, 'Back to sign in')),
  );
  submits(
    form,
    message,
    async () => {
      await api('POST', '/api/auth/reset', { setting: setting.value.trim(), email: email.value.trim() }, { anonymous: true });
      // Always the same answer, whether or not the address has an account here (S12).
      form.replaceWith(
        h('p', { class: 'message info', role: 'status' }, 'Thank you. If that address has an account here, a reset link is on its way. Please check your e-mail.'),
      );
    },
    { check: () => [setting, email].filter((el) => !el.value.trim()).map((el) => [el, 'Please fill in both fields.'])[0] || null },
  );
  return section;
}

/** The token from an e-mailed link, read once at start-up before the URL is cleaned. */
let linkToken = '';
export function takeLinkToken() {
  if (location.hash.length > 1) {
    linkToken = location.hash.slice(1);
    // Out of the address bar and history at once, so it is not left on screen or bookmarked.
    history.replaceState(null, '', location.pathname);
  }
}

/** The token taken from the address bar at start-up ('' if none), for the other link pages. */
export function linkTokenNow() {
  return linkToken;
}

export function activateScreen() {
  return credentialsScreen({
    title: 'Welcome! Set up your account',
    intro: 'Choose a password and a PIN. You will use both each time you sign in.',
    pinRequired: true,
    path: '/api/auth/activate',
    done: 'Your account is ready. Please sign in with your new password and PIN.',
  });
}

export function resetScreen() {
  return credentialsScreen({
    title: 'Choose a new password',
    intro: 'After this, every device signed in to your account is signed out.',
    pinRequired: false,
    path: '/api/auth/reset/confirm',
    done: 'Your password is changed. Please sign in.',
  });
}

function credentialsScreen({ title, intro, pinRequired, path, done }) {
  const token = linkToken;
  const message = statusArea();
  const heading = h('h1', {}, title);
  if (!token) {
    return h(
      'section',
      { class: 'card narrow' },
      heading,
      h('p', { class: 'message error', role: 'alert' }, 'This link is incomplete. Please open it again from your e-mail, or ask for a new one.'),
      h('p', {}, h('a', { href: '/forgot' }, 'Ask for a new link')),
    );
  }
  const password = input({ name: 'password', type: 'password', autocomplete: 'new-password' });
  const again = input({ name: 'passwordAgain', type: 'password', autocomplete: 'new-password' });
  const strength = h('p', { class: 'strength', 'aria-live': 'polite', dataset: { level: 'none' } });
  const updateStrength = () => {
    const hint = passwordHint(password.value);
    strength.textContent = hint.text;
    strength.dataset.level = hint.level;
  };
  password.addEventListener('input', updateStrength);
  updateStrength();
  const pin = h('input', { name: 'pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8, required: pinRequired });
  const pinAgain = h('input', { name: 'pinAgain', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8, required: pinRequired });
  const pinNote = h('p', { class: 'hint', 'aria-live': 'polite' }, pinHint(''));
  pin.addEventListener('input', () => {
    pinNote.textContent = pinHint(pin.value);
  });
  const pinFields = [
    field(pinRequired ? 'PIN' : 'New PIN (optional)', pin, pinRequired ? null : 'Leave empty to keep your current PIN.'),
    pinNote,
    field(pinRequired ? 'PIN again' : 'New PIN again', pinAgain),
  ];
  const form = h(
    'form',
    { novalidate: true },
    field('New password', password),
    strength,
    field('Password again', again),
    pinFields,
    h('button', { type: 'submit', class: 'primary' }, pinRequired ? 'Set up my account' : 'Change my password'),
  );
  submits(
    form,
    message,
    async () => {
      const body = { token, password: password.value };
      if (pin.value) body.pin = pin.value;
      await api('POST', path, body, { anonymous: true });
      linkToken = '';
      state.notice = done;
      navigate('/signin', { replace: true });
    },
    {
      check: () =>
        (!password.value && [password, 'Please choose a password.']) ||
        (password.value !== again.value && [again, 'The two passwords are different. Please type them again.']) ||
        (pinRequired && !pin.value && [pin, 'Please choose a PIN.']) ||
        (pin.value !== pinAgain.value && [pinAgain, 'The two PINs are different. Please type them again.']) ||
        null,
    },
  );
  return h('section', { class: 'card narrow' }, heading, h('p', {}, intro), message, form);
}
