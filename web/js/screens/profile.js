// Staff: the EYFS profile of reception children. Each of the 17 early learning goals is judged
// "expected" or "emerging"; a manager finalises it (all 17 judged), may share it with the family,
// and downloads every child's results as CSV for the school's MIS.

import { api, explain, loading } from '../api.js';
import { field, h, replace, showMessage, statusArea } from '../dom.js';
import { childName } from '../format.js';
import { submits } from '../form.js';
import { state } from '../session.js';

const AREA_NAMES = {
  'communication-and-language': 'Communication and language',
  'personal-social-emotional': 'Personal, social and emotional development',
  'physical-development': 'Physical development',
  literacy: 'Literacy',
  mathematics: 'Mathematics',
  'understanding-the-world': 'Understanding the world',
  'expressive-arts-and-design': 'Expressive arts and design',
};

function gldText(gld) {
  if (gld === null || gld === undefined) return 'Good level of development: not known until the 12 goals it needs are judged.';
  return gld ? 'Good level of development: yes.' : 'Good level of development: not yet.';
}

export function profilesScreen() {
  const manager = state.user.role === 'manager';
  return h(
    'section',
    { class: 'card' },
    h('h1', {}, 'EYFS profiles'),
    h('p', { class: 'hint' }, 'Judge each early learning goal in the summer term of reception. A manager finalises each profile.'),
    manager ? h('p', {}, h('a', { href: '/api/profiles/csv', download: 'eyfs-profile.csv', class: 'button' }, 'Download CSV for the school’s MIS')) : null,
    loading('/api/children', (data) => {
      const children = data.children || [];
      if (children.length === 0) return h('p', {}, 'No children yet.');
      return h('ul', { class: 'list' }, children.map((child) => h('li', { class: 'row' }, h('a', { href: `/profiles/${encodeURIComponent(child.id)}` }, childName(child)))));
    }),
  );
}

export function profileScreen({ id }) {
  const path = `/api/children/${encodeURIComponent(id)}/profile`;
  const heading = h('h1', {}, 'EYFS profile');
  const message = statusArea('info');
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', `/api/children/${encodeURIComponent(id)}`).then(
    (child) => { heading.textContent = `${childName(child)}’s EYFS profile`; },
    () => {},
  );
  let current = null;

  function say(text, kind = 'info') {
    showMessage(message, text, kind);
  }

  function draw(answer) {
    current = answer.profile;
    replace(body, form(current));
  }

  function form(profile) {
    const manager = state.user.role === 'manager';
    const status = h('p', { class: 'muted', id: 'profile-status' },
      `${profile.status === 'final' ? 'Final' : 'Draft'}. ${gldText(profile.goodLevelOfDevelopment)}`,
      profile.sharedWithParents ? ' Shared with the family.' : '');
    const groups = Object.entries(AREA_NAMES).map(([area, name]) => h('fieldset', { class: 'elgs' },
      h('legend', {}, name),
      profile.elgs.filter((e) => e.area === area).map((elg) => {
        const chosen = profile.judgements[elg.id] || '';
        const choice = (value, label) => h('label', {}, h('input', { type: 'radio', name: elg.id, value, checked: chosen === value }), label);
        return h('div', { class: 'elg', role: 'radiogroup', 'aria-label': elg.name },
          h('span', {}, elg.name, elg.gld ? '' : ' (not part of GLD)'), choice('expected', 'Expected'), choice('emerging', 'Emerging'));
      })));
    const comment = h('textarea', { name: 'comment', maxlength: 2000, rows: 3 }, profile.comment || '');
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save judgements');
    const formEl = h('form', { novalidate: true }, status, groups,
      field('How they learn (characteristics of effective learning)', comment), h('div', { class: 'actions' }, save));
    submits(formEl, message, async () => {
      const judgements = {};
      for (const elg of profile.elgs) {
        const picked = formEl.querySelector(`input[name="${CSS.escape(elg.id)}"]:checked`);
        if (picked) judgements[elg.id] = picked.value;
      }
      const headers = current.etag ? { 'If-Match': current.etag } : {};
      draw(await api('PUT', path, { judgements, comment: comment.value }, { headers }));
      say('Judgements saved.');
    });
    if (!manager) return formEl;
    const finalise = h('button', { type: 'button' }, 'Finalise profile');
    finalise.addEventListener('click', () => act(`${path}/finalise`, undefined, 'Profile finalised.'));
    const share = h('button', { type: 'button' }, profile.sharedWithParents ? 'Stop sharing with the family' : 'Share with the family');
    share.addEventListener('click', () => act(`${path}/share`, { shared: !profile.sharedWithParents }, profile.sharedWithParents ? 'No longer shared.' : 'Shared with the family.'));
    return h('div', {}, formEl, h('div', { class: 'actions' }, finalise, profile.status === 'final' ? share : null));
  }

  async function act(url, payload, done) {
    try {
      draw(await api('POST', url, payload, { headers: { 'If-Match': current.etag || '' } }));
      say(done);
    } catch (error) {
      say(explain(error), 'error');
    }
  }

  api('GET', path).then(draw, (error) => say(explain(error), 'error'));
  return h('section', { class: 'card' }, heading, message, body);
}
