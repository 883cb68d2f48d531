// Who is signed in, and the idle warning. The server ends a session after 30 minutes without
// activity whatever the page does (S17); this only warns two minutes before and offers to stay.

import { api } from './api.js';
import { h } from './dom.js';

export const IDLE_MS = 30 * 60 * 1000;
const WARN_BEFORE_MS = 2 * 60 * 1000;

// `returnTo`: the address a signed-out user was on, to come back to after signing in.
export const state = { user: null, idleDeadline: 0, notice: '', returnTo: '' };

let ticker = null;
let dialog = null;
let onExpired = () => {};

/** The signed-in user from GET /api/auth/session, or null when nobody is signed in. */
export async function loadSession() {
  try {
    const data = await api('GET', '/api/auth/session', undefined, { anonymous: true });
    state.user = data.user;
    watchIdle(Date.parse(data.idleExpiresAt));
    return state.user;
  } catch (error) {
    if (error.status === 401) {
      forget();
      return null;
    }
    throw error;
  }
}

export function forget() {
  state.user = null;
  if (ticker) clearInterval(ticker);
  ticker = null;
  closeWarning();
}

/** Call `handler()` when the idle deadline passes without activity. */
export function whenIdleExpires(handler) {
  onExpired = handler;
}

/** Any successful authenticated request counts as activity on the server: move the deadline. */
export function touched(sentAt = Date.now()) {
  if (!state.user) return;
  const deadline = sentAt + IDLE_MS;
  if (deadline <= state.idleDeadline) return;
  state.idleDeadline = deadline;
  if (state.idleDeadline - Date.now() > WARN_BEFORE_MS) closeWarning();
}

function watchIdle(deadline) {
  state.idleDeadline = Number.isFinite(deadline) ? Math.min(deadline, Date.now() + IDLE_MS) : Date.now() + IDLE_MS;
  if (ticker) clearInterval(ticker);
  ticker = setInterval(check, 1000);
}

function check() {
  if (!state.user) return;
  const left = state.idleDeadline - Date.now();
  if (left <= 0) {
    forget();
    onExpired();
  } else if (left <= WARN_BEFORE_MS) {
    openWarning(left);
  }
}

function openWarning(left) {
  if (!dialog) dialog = buildDialog();
  const seconds = Math.max(0, Math.round(left / 1000));
  const minutes = Math.floor(seconds / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  dialog.querySelector('[data-countdown]').textContent = `${minutes}:${rest}`;
  if (!dialog.open) {
    dialog.showModal();
    dialog.querySelector('button').focus();
  }
}

function closeWarning() {
  if (dialog && dialog.open) dialog.close();
}

function buildDialog() {
  const stay = h('button', { type: 'button', class: 'primary' }, 'Stay signed in');
  const element = h(
    'dialog',
    { class: 'idle', 'aria-labelledby': 'idle-title', 'aria-describedby': 'idle-text' },
    h('h2', { id: 'idle-title' }, 'Are you still there?'),
    h(
      'p',
      { id: 'idle-text' },
      'To keep children’s information safe, we will sign you out in ',
      h('strong', { dataset: { countdown: '' } }, ''),
      ' unless you carry on.',
    ),
    stay,
  );
  stay.addEventListener('click', () => {
    // An authenticated request counts as activity; if the session has already ended, api() has
    // taken the user to the sign-in page. Offline, the warning simply stays up.
    api('GET', '/api/auth/session').catch(() => null);
  });
  // Escape would close the dialog without renewing anything; keep it honest.
  element.addEventListener('cancel', (event) => event.preventDefault());
  document.body.append(element);
  return element;
}
