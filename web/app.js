// The learning journal's web client: plain ES modules, no build step, no third-party code.

import { api, listen } from './js/api.js';
import { h, replace } from './js/dom.js';
import { match, navigate, route, start } from './js/router.js';
import { accountScreen } from './js/screens/account.js';
import { childScreen as assessmentScreen, plansScreen } from './js/screens/assessments.js';
import { activateScreen, forgotScreen, resetScreen, signInScreen, takeLinkToken } from './js/screens/auth.js';
import { cohortScreen } from './js/screens/cohort.js';
import { emailConfirmScreen, emailObjectScreen } from './js/screens/email.js';
import { askStepUp } from './js/screens/factors.js';
import * as manager from './js/screens/manager.js';
import * as parent from './js/screens/parent.js';
import { profileScreen, profilesScreen } from './js/screens/profile.js';
import { notMeScreen } from './js/screens/passkeys.js';
import { childRecordScreen } from './js/screens/record.js';
import { roomsScreen } from './js/screens/rooms.js';
import * as staff from './js/screens/staff.js';
import { checkScreen, trackerScreen } from './js/screens/two_year_check.js';
import { forget, loadSession, state, touched, whenIdleExpires } from './js/session.js';

// First of all: a link's token leaves the address bar before anything else runs.
takeLinkToken();

const PUBLIC = { public: true };
route('/signin', signInScreen, PUBLIC);
route('/forgot', forgotScreen, PUBLIC);
route('/activate', activateScreen, PUBLIC);
route('/reset', resetScreen, PUBLIC);
route('/email-confirm', emailConfirmScreen, PUBLIC);
route('/email-object', emailObjectScreen, PUBLIC);
route('/not-me', notMeScreen, PUBLIC);
route('/', home);
route('/account', accountScreen);
route('/children', (p) => (state.user.role === 'parent' ? parent.childrenScreen(p) : staff.childrenScreen(p)));
route('/children/:id', (p) => parent.journalScreen(p));
route('/moments/new', parent.momentScreen, { roles: ['parent'] });
route('/observations/new', staff.newObservationScreen, { roles: ['practitioner', 'manager'] });
route('/observations/drafts', staff.draftsScreen, { roles: ['practitioner', 'manager'] });
route('/approvals', manager.approvalsScreen, { roles: ['manager'] });
route('/profiles', profilesScreen, { roles: ['practitioner', 'manager'] });
route('/profiles/:id', profileScreen, { roles: ['practitioner', 'manager'] });
route('/two-year-checks', trackerScreen, { roles: ['practitioner', 'manager'] });
route('/two-year-checks/:id', checkScreen);
route('/assessments', plansScreen, { roles: ['practitioner', 'manager'] });
route('/assessments/:id', assessmentScreen);
route('/reports/cohort', cohortScreen, { roles: ['manager'] });
// Managers' screens live under /manage: the Functions host keeps /admin/* and /runtime/* for
// itself, so a client route there would answer the host's JSON on a reload or a bookmark.
route('/manage/staff', manager.staffScreen, { roles: ['manager'] });
route('/manage/parents', manager.parentsScreen, { roles: ['manager'] });
route('/manage/children', manager.childrenAdminScreen, { roles: ['manager'] });
route('/manage/children/:id', childRecordScreen, { roles: ['manager'] });
route('/manage/policy', manager.policyScreen, { roles: ['manager'] });
route('/manage/audit', manager.auditScreen, { roles: ['manager'] });
route('/manage/rooms', roomsScreen, { roles: ['manager'] });

const NAV = {
  parent: [['/children', 'My children'], ['/moments/new', 'Add a moment'], ['/account', 'My account']],
  practitioner: [['/children', 'Children'], ['/observations/new', 'New observation'], ['/observations/drafts', 'Drafts'], ['/two-year-checks', 'Two-year checks'], ['/assessments', 'Assessments'], ['/profiles', 'EYFS profiles'], ['/account', 'My account']],
  manager: [
    ['/approvals', 'Approvals'], ['/children', 'Children'], ['/observations/new', 'New observation'],
    ['/manage/staff', 'Staff'], ['/manage/rooms', 'Rooms'], ['/manage/parents', 'Parents'], ['/manage/children', 'Children’s records'],
    ['/manage/policy', 'Privacy & retention'], ['/manage/audit', 'Audit log'], ['/two-year-checks', 'Two-year checks'], ['/assessments', 'Assessments'], ['/reports/cohort', 'Cohort report'],
    ['/profiles', 'EYFS profiles'],
    ['/account', 'My account'],
  ],
};

function allowed(found) {
  return !found.options.roles || Boolean(state.user && found.options.roles.includes(state.user.role));
}

/** The start page: back to where a signed-out user was (if it is for their role), or their first screen. */
function home() {
  const back = state.returnTo;
  state.returnTo = '';
  const found = back && match(new URL(back, location.origin).pathname);
  const next = found && !found.options.public && allowed(found) ? back : state.user.role === 'manager' ? '/approvals' : '/children';
  queueMicrotask(() => navigate(next, { replace: true }));
  return h('p', { class: 'muted' }, 'Loading…');
}

/** To the sign-in page; with `keepPlace`, signing in again comes back to this address. */
function sendToSignIn(notice, { keepPlace = false } = {}) {
  state.returnTo = keepPlace ? location.pathname + location.search : '';
  forget();
  for (const open of document.querySelectorAll('dialog[open]')) open.close();
  state.notice = notice;
  navigate('/signin', { replace: true });
}

listen({
  active: touched,
  stepUp: askStepUp, // S35: "confirm it is you", then the refused call is sent again
  signedOut: () => sendToSignIn('Your session has ended. Please sign in again.', { keepPlace: true }),
});
whenIdleExpires(() => {
  // The server has ended (or is about to end) the session; make sure of it, then say why.
  api('POST', '/api/auth/logout', undefined, { anonymous: true }).catch(() => null);
  sendToSignIn('You were signed out after 30 minutes without activity. Please sign in again.', { keepPlace: true });
});

function drawNav(path) {
  const nav = document.getElementById('nav');
  if (!state.user) {
    replace(nav);
    return;
  }
  const items = (NAV[state.user.role] || []).map(([href, label]) =>
    h('li', {}, h('a', { href, 'aria-current': path === href || path.startsWith(`${href}/`) ? 'page' : null }, label)),
  );
  const signOut = h('button', { type: 'button', class: 'small on-brand' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    await api('POST', '/api/auth/logout', undefined, { anonymous: true }).catch(() => null);
    sendToSignIn('You are signed out.');
  });
  replace(nav, h('ul', {}, items), h('span', { class: 'who' }, state.user.name), signOut);
}

let first = true;
async function render(path) {
  const main = document.getElementById('main');
  const found = match(path);
  if (!found) {
    drawNav(path);
    replace(main, h('section', { class: 'card' }, h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '/' }, 'Go to the start'))));
    return;
  }
  if (!found.options.public && !state.user) {
    if (first) await loadSession().catch(() => null);
    if (!state.user) {
      state.returnTo = path + location.search; // a bookmark: open it once signed in
      navigate('/signin', { replace: true });
      return;
    }
  }
  if (found.options.public && state.user && path === '/signin') {
    navigate('/', { replace: true });
    return;
  }
  drawNav(path);
  replace(main, allowed(found) ? found.screen(found.params) : h('section', { class: 'card' }, h('h1', {}, 'Not for your role'), h('p', {}, 'This page is for other members of staff.')));
  if (!first) main.focus({ preventScroll: false });
  first = false;
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} – Learning journal` : 'Learning journal';
}

start(render);
