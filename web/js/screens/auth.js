// Signing in (password, then PIN), asking for a reset link, and the pages links in e-mails open.

import { api, describeWait } from '../api.js';
import { field, h, showMessage, statusArea } from '../dom.js';
import { navigate } from '../router.js';
import { loadSession, state } from '../session.js';
import { passwordHint, pinHint } from '../strength.js';

function input(attributes) {
  return h('input', { required: true, ...attributes });
}

function busy(form, on) {
  for (const element of form.elements) element.disabled = on;
  form.setAttribute('aria-busy', on ? 'true' : 'false');
}

function explain(error) {
  if (error.status === 429) {
    return `${error.message} You can try again in ${describeWait(error.retryAfter)}.`;
  }
  return error.message;
}

/** Keep a button disabled for the server's Retry-After; the server enforces it anyway. */
function holdBack(button, seconds) {
  button.disabled = true;
  setTimeout(() => {
    button.disabled = false;
  }, seconds * 1000);
}

function focusField(form, name) {
  const target = name && form.elements.namedItem(name);
  if (target) target.focus();
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
    h('p', {}, h('a', { href: '/forgot' }, 'Forgotten your password or PIN?')),
  );
  if (notice) showMessage(info, notice, 'info');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(message, '');
    const missing = [setting, email, password].find((el) => !el.value.trim());
    if (missing) {
      showMessage(message, 'Please fill in every field.');
      missing.focus();
      return;
    }
    busy(form, true);
    try {
      const answer = await api(
        'POST',
        '/api/auth/login',
        { setting: setting.value.trim(), email: email.value.trim(), password: password.value },
        { anonymous: true },
      );
      localStorage.setItem('journal.setting', setting.value.trim());
      section.replaceWith(pinStep(answer.challenge));
    } catch (error) {
      busy(form, false);
      showMessage(message, explain(error));
      if (error.field) focusField(form, error.field);
      else password.focus();
      if (error.status === 429 && error.retryAfter) holdBack(form.querySelector('button'), error.retryAfter);
    }
  });
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
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!pin.value) {
      showMessage(message, 'Please enter your PIN.');
      pin.focus();
      return;
    }
    busy(form, true);
    try {
      await api('POST', '/api/auth/pin', { challenge, pin: pin.value }, { anonymous: true });
      await loadSession();
      navigate('/', { replace: true });
    } catch (error) {
      busy(form, false);
      pin.value = '';
      showMessage(message, explain(error));
      pin.focus();
    }
  });
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
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!setting.value.trim() || !email.value.trim()) {
      showMessage(message, 'Please fill in both fields.');
      return;
    }
    busy(form, true);
    try {
      await api('POST', '/api/auth/reset', { setting: setting.value.trim(), email: email.value.trim() }, { anonymous: true });
      // Always the same answer, whether or not the address has an account here (S12).
      form.replaceWith(
        h('p', { class: 'message info', role: 'status' }, 'Thank you. If that address has an account here, a reset link is on its way. Please check your e-mail.'),
      );
    } catch (error) {
      busy(form, false);
      showMessage(message, explain(error));
    }
  });
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
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(message, '');
    const problem =
      (!password.value && [password, 'Please choose a password.']) ||
      (password.value !== again.value && [again, 'The two passwords are different. Please type them again.']) ||
      (pinRequired && !pin.value && [pin, 'Please choose a PIN.']) ||
      (pin.value !== pinAgain.value && [pinAgain, 'The two PINs are different. Please type them again.']);
    if (problem) {
      showMessage(message, problem[1]);
      problem[0].focus();
      return;
    }
    const body = { token, password: password.value };
    if (pin.value) body.pin = pin.value;
    busy(form, true);
    try {
      await api('POST', path, body, { anonymous: true });
      linkToken = '';
      state.notice = done;
      navigate('/signin', { replace: true });
    } catch (error) {
      busy(form, false);
      showMessage(message, explain(error));
      if (error.field) focusField(form, error.field);
    }
  });
  return h('section', { class: 'card narrow' }, heading, h('p', {}, intro), message, form);
}
