// Strong sign-in (S32-S35): the code step of sign-in, setting up an authenticator app (at sign-in
// when the setting asks, or from My account), recovery codes shown once, and "confirm it is you".

import { ApiError, api, showError } from '../api.js';
import { formDialog } from '../dialog.js';
import { field, formatDate, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';
import { navigate } from '../router.js';
import { loadSession } from '../session.js';
import { passkeySignIn, stepUpWithPasskey } from './passkeys.js';
import { recoveryCodes } from './recovery_codes.js';

function codeInput(name = 'code') {
  return h('input', { name, required: true, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 7, pattern: '[0-9 ]*' });
}

async function signedIn() {
  await loadSession();
  navigate('/', { replace: true }); // the start page takes the user back to where they were
}

/**
 * The third sign-in step: a code from the app, or a recovery code in its place. Someone with a
 * passkey finishes with the passkey instead (a whole sign-in of its own), or a recovery code.
 */
export function codeStep(challenge, methods = ['authenticator', 'recoveryCode']) {
  const message = statusArea();
  const byApp = methods.includes('authenticator');
  const code = codeInput();
  const recovery = h('input', { name: 'recoveryCode', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
  const recoveryField = field('Recovery code', recovery, 'One of the codes you saved when you set up strong sign-in. Each works once.');
  recoveryField.hidden = byApp;
  const codeField = field('Code from your authenticator app', code, 'The 6 digits the app shows now.');
  codeField.hidden = !byApp;
  const toggle = h('button', { type: 'button', class: 'link' }, 'Use a recovery code instead');
  toggle.addEventListener('click', () => {
    const useRecovery = recoveryField.hidden;
    recoveryField.hidden = !useRecovery;
    codeField.hidden = useRecovery;
    toggle.textContent = useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead';
    (useRecovery ? recovery : code).focus();
  });
  const passkey = methods.includes('passkey') ? passkeySignIn(h('input'), message, '') : null;
  const form = h('form', { novalidate: true }, codeField, recoveryField, h('button', { type: 'submit', class: byApp ? 'primary' : null }, 'Sign in'));
  const section = h(
    'section',
    { class: 'card narrow' },
    h('h1', { tabindex: '-1' }, byApp ? 'Now a code from your app' : 'Now your passkey'),
    h('p', {}, byApp
      ? 'Open your authenticator app and type the code it shows for the learning journal.'
      : 'Your account has a passkey: use it to finish signing in. Lost it? Enter a recovery code instead.'),
    message,
    passkey,
    form,
    byApp ? h('p', {}, toggle) : null,
    h('p', {}, h('a', { href: '/signin' }, 'Start again')),
  );
  submits(
    form,
    message,
    async () => {
      const body = recoveryField.hidden ? { challenge, code: code.value } : { challenge, recoveryCode: recovery.value };
      await api('POST', '/api/auth/code', body, { anonymous: true });
      await signedIn();
    },
    {
      check: () => {
        const input = recoveryField.hidden ? code : recovery;
        return input.value.trim() ? null : [input, 'Please enter the code.'];
      },
      failed: () => {
        code.value = '';
        recovery.value = '';
        (byApp ? code : recovery).focus();
      },
    },
  );
  queueMicrotask(() => (byApp ? code : recovery).focus());
  return section;
}

/** S34: the setting asks this person to set up strong sign-in; within the grace they may say "later". */
export function enrolStep(answer) {
  const challenge = answer.challenge;
  const message = statusArea();
  const start = h('button', { type: 'button', class: 'primary' }, 'Set up the app');
  const later = answer.canSkip ? h('button', { type: 'button' }, 'Set up later') : null;
  const by = answer.enrolBy ? formatDate(answer.enrolBy) : '';
  const section = h(
    'section',
    { class: 'card narrow' },
    h('h1', { tabindex: '-1' }, 'Set up strong sign-in'),
    h('p', {}, 'Your nursery asks managers to sign in with an authenticator app as well as a password and PIN, so nobody can get in with a stolen password.'),
    answer.canSkip
      ? h('p', {}, `You can do it now or later; from ${by} signing in will need it.`)
      : h('p', {}, 'Signing in now needs it. It takes a minute with an authenticator app on your phone.'),
    message,
    h('div', { class: 'actions' }, start, later),
  );
  start.addEventListener('click', () => {
    section.replaceWith(
      authenticatorSetup({
        begin: () => api('POST', '/api/auth/enrol/authenticator', { challenge }, { anonymous: true }),
        confirm: (code) => api('POST', '/api/auth/enrol/authenticator/confirm', { challenge, code }, { anonymous: true }),
        done: signedIn,
      }),
    );
  });
  if (later) {
    later.addEventListener('click', async () => {
      later.disabled = true;
      try {
        await api('POST', '/api/auth/enrol/skip', { challenge }, { anonymous: true });
        await signedIn();
      } catch (error) {
        later.disabled = false;
        showError(message, error);
      }
    });
  }
  queueMicrotask(() => start.focus());
  return section;
}

/**
 * Setting up the app: the QR code (an SVG drawn by the server, shown through a blob: URL, which the
 * strict CSP allows for images), the secret as text, and one code to confirm. Then the recovery
 * codes, shown once.
 */
function authenticatorSetup({ begin, confirm, done }) {
  const message = statusArea();
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Making your secret…'));
  const section = h('section', { class: 'card narrow' }, h('h1', { tabindex: '-1' }, 'Add an authenticator app'), message, body);
  begin().then(
    (setup) => replace(body, setupForm(setup, message, confirm, (codes) => section.replaceWith(recoveryCodes(codes, done)))),
    (error) => showError(message, error),
  );
  return section;
}

function setupForm(setup, message, confirm, confirmed) {
  const picture = URL.createObjectURL(new Blob([setup.qrSvg], { type: 'image/svg+xml' }));
  const code = codeInput();
  const form = h('form', { novalidate: true }, field('Code from the app', code, 'After adding the journal to the app, type the 6 digits it shows.'),
    h('button', { type: 'submit', class: 'primary' }, 'Confirm'));
  submits(form, message, async () => {
    const answer = await confirm(code.value);
    URL.revokeObjectURL(picture);
    confirmed(answer.recoveryCodes || []);
  }, { check: () => (code.value.trim() ? null : [code, 'Please enter the code the app shows.']) });
  queueMicrotask(() => code.focus());
  return [
    h('p', {}, 'In an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or 2FAS), add an account and scan this code.'),
    h('img', { class: 'qr', src: picture, alt: 'QR code for your authenticator app', width: 200, height: 200 }),
    h('p', {}, 'Cannot scan it? Type this key into the app instead:'),
    h('p', {}, h('code', { class: 'secret', 'data-secret': 'totp' }, setup.secret.replace(/(.{4})/g, '$1 ').trim())),
    form,
  ];
}

/**
 * S35: ask for the strongest method the person has, record the step-up, and resolve; rejects with
 * the original refusal if they cancel.
 */
export async function askStepUp(refused) {
  if (await stepUpWithPasskey()) return; // a passkey is the strongest method there is
  const factors = await api('GET', '/api/account/factors');
  const method = factors.stepUpMethod;
  const recovery = h('input', { name: 'recoveryCode', autocomplete: 'off', autocapitalize: 'none', required: method === 'passkey' });
  let input = null;
  let fields;
  if (method === 'passkey') {
    // The passkey prompt was dismissed or the passkey is lost: only a recovery code stands in.
    fields = [field('A recovery code', recovery, 'Only if you cannot use your passkey. Each code works once.')];
  } else if (method === 'authenticator') {
    input = codeInput();
    fields = [field('Code from your authenticator app', input), field('Or a recovery code', recovery, 'Only if you cannot use the app.')];
  } else {
    input = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    fields = [field('Your password', input)];
  }
  return new Promise((resolve, reject) => {
    let confirmed = false;
    const dialog = formDialog('Confirm it is you', [h('p', {}, 'This change needs a fresh check. It lasts 5 minutes.'), ...fields], 'Confirm', async () => {
      let proof;
      if (method === 'password') proof = { password: input.value };
      else if (recovery.value.trim() || !input) proof = { recoveryCode: recovery.value };
      else proof = { code: input.value };
      await api('POST', '/api/account/step-up', { method, ...proof });
      confirmed = true;
    });
    dialog.addEventListener('close', () => (confirmed ? resolve() : reject(refused instanceof ApiError ? refused : new ApiError(403, 'step_up_required', ''))));
  });
}

/** My account: the authenticator app and recovery codes. Every change asks for a step-up first. */
export function factorsSection() {
  const message = statusArea();
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const section = h('section', { class: 'card' }, h('h2', {}, 'Strong sign-in'), message, body);

  async function load() {
    try {
      draw(await api('GET', '/api/account/factors'));
    } catch (error) {
      showError(message, error);
    }
  }

  async function act(path, method, after) {
    try {
      const answer = await api(method, path);
      await after(answer);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'step_up_required')) showError(message, error);
    }
  }

  function draw(factors) {
    const app = factors.authenticator;
    const parts = [];
    if (factors.reset) {
      // S34: a manager approved a reset; the owner can stop it if it was not their idea.
      const stop = h('button', { type: 'button', class: 'danger' }, 'Cancel the reset');
      stop.addEventListener('click', () => act('/api/account/sign-in-reset', 'DELETE', async () => {
        await load();
        showMessage(message, 'The reset is cancelled. Your passkeys, app and recovery codes stay as they are.', 'info');
      }));
      parts.push(h('div', { class: 'message error', role: 'alert' },
        h('p', {}, `${factors.reset.askedBy} (a manager) asked to reset your strong sign-in. From ${formatDate(factors.reset.takesEffectAt)}, your passkeys, authenticator app and recovery codes stop working.`),
        h('p', {}, 'If you did not ask for this, cancel it now and tell your setting.'), stop));
    }
    if (factors.strongSignIn.required && !app.enrolled && !factors.passkeys) {
      parts.push(h('p', { class: 'message info' }, `Your nursery asks you to add an authenticator app${factors.strongSignIn.enrolBy ? ` by ${formatDate(factors.strongSignIn.enrolBy)}` : ''}.`));
    }
    if (app.enrolled) {
      parts.push(h('p', {}, `Authenticator app added ${formatDate(app.addedAt)}. Recovery codes left: ${factors.recoveryCodesLeft}.`));
      if (app.locked) parts.push(h('p', { class: 'message error' }, 'Codes are locked after too many wrong tries. A password reset link unlocks them.'));
      const remove = h('button', { type: 'button', class: 'danger' }, 'Remove the authenticator app');
      remove.addEventListener('click', () => act('/api/account/authenticator', 'DELETE', () => {
        showMessage(message, 'The authenticator app is removed.', 'info');
        return load();
      }));
      const renew = h('button', { type: 'button' }, 'Make new recovery codes');
      renew.addEventListener('click', () => act('/api/account/recovery-codes', 'POST', (answer) => {
        section.replaceWith(recoveryCodes(answer.recoveryCodes, () => navigate('/account', { replace: true })));
      }));
      parts.push(h('div', { class: 'actions' }, renew, remove));
    } else {
      parts.push(h('p', {}, 'Sign in with a code from an authenticator app on your phone as well as your password and PIN.'));
      const add = h('button', { type: 'button', class: 'primary' }, 'Add an authenticator app');
      add.addEventListener('click', () => {
        section.replaceWith(
          authenticatorSetup({
            begin: () => api('POST', '/api/account/authenticator'),
            confirm: (code) => api('POST', '/api/account/authenticator/confirm', { code }),
            done: () => navigate('/account', { replace: true }),
          }),
        );
      });
      parts.push(h('div', { class: 'actions' }, add));
    }
    replace(body, parts);
  }

  load();
  return section;
}
