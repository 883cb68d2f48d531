// The progress check at age two. Staff: the tracker (who is due from 24 months, overdue past 36
// months without a completed check, done; per room) and the check itself, written by the key
// person, finalised and shared by a manager. Parents: their child's shared check, their comment
// on it, and the PDF.

import { api, explain, failure } from '../api.js';
import { field, formatDate, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { childName } from '../format.js';
import { submits } from '../form.js';
import { byRoom } from '../rooms.js';
import { state } from '../session.js';

const STANDING = {
  overdue: 'Overdue',
  due: 'Due',
  done: 'Done',
  'not-yet': 'Not yet due',
  unknown: 'Date of birth unknown',
};
const ORDER = ['overdue', 'due', 'done', 'not-yet', 'unknown'];

function checkPath(id) {
  return `/api/children/${encodeURIComponent(id)}/two-year-check`;
}

function ageText(child) {
  if (child.months === null || child.months === undefined) return 'Age unknown';
  const years = Math.floor(child.months / 12);
  const months = child.months % 12;
  return years ? `${years} y ${months} m` : `${months} m`;
}

function trackerRow(child) {
  const when = child.standing === 'due' ? `due since ${formatDay(child.dueFrom)}`
    : child.standing === 'not-yet' ? `due from ${formatDay(child.dueFrom)}`
      : child.standing === 'overdue' ? `overdue since ${formatDay(child.overdueFrom)}` : '';
  const progress = child.checkStatus === 'final' ? (child.shared ? 'Completed, shared with the family' : 'Completed')
    : child.checkStatus === 'draft' ? 'Draft written' : 'Not started';
  return h('li', { class: 'row', 'data-standing': child.standing },
    h('a', { href: `/two-year-checks/${encodeURIComponent(child.id)}` }, childName(child)),
    h('span', { class: `badge standing-${child.standing}` }, STANDING[child.standing] || child.standing),
    h('span', { class: 'muted' }, ` ${ageText(child)}${when ? `, ${when}` : ''}. ${progress}.`));
}

export function trackerScreen() {
  return h('section', { class: 'card' },
    h('h1', {}, 'Progress checks at age two'),
    h('p', { class: 'hint' }, 'Every child between two and three needs a written summary of the prime areas, shared with their parents. Ages come from each child’s date of birth.'),
    byRoom('/api/two-year-checks', (data) => {
      const children = data.children || [];
      if (children.length === 0) return h('p', {}, 'No children to show.');
      const counts = data.counts || {};
      const summary = h('p', { id: 'tracker-counts' }, ORDER.map((s) => `${STANDING[s]}: ${counts[s] || 0}`).join(' · '));
      const groups = ORDER.filter((s) => children.some((c) => c.standing === s)).map((s) => h('div', { class: 'tracker-group' },
        h('h2', {}, STANDING[s]),
        h('ul', { class: 'list', 'aria-label': STANDING[s] }, children.filter((c) => c.standing === s).map(trackerRow))));
      return h('div', {}, summary, groups);
    }),
  );
}

function pdfLink(id) {
  return h('a', { href: `${checkPath(id)}/pdf`, download: 'two-year-check.pdf', class: 'button' }, 'Download PDF');
}

export function checkScreen({ id }) {
  return state.user.role === 'parent' ? parentCheck(id) : staffCheck(id);
}

function staffCheck(id) {
  const path = checkPath(id);
  const heading = h('h1', {}, 'Progress check at age two');
  const message = statusArea('info');
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', `/api/children/${encodeURIComponent(id)}`).then(
    (child) => {
      heading.textContent = `${childName(child)}’s progress check at age two`;
      document.title = `${heading.textContent} – Learning journal`;
    },
    () => {},
  );
  let current = null;
  const say = (text, kind = 'info') => showMessage(message, text, kind);

  function draw(answer) {
    current = answer.check;
    replace(body, form(current));
  }

  function form(check) {
    const manager = state.user.role === 'manager';
    const status = h('p', { class: 'muted', id: 'check-status' },
      check.status === 'final' ? 'Completed (final).' : 'Draft.',
      check.sharedWithParents ? ' Shared with the family.' : '');
    const inputs = {};
    const areas = check.areas.map((area) => {
      const strengths = h('textarea', { name: `${area.id}-strengths`, maxlength: 2000, rows: 3 }, area.strengths);
      const less = h('textarea', { name: `${area.id}-less`, maxlength: 2000, rows: 2 }, area.lessThanExpected);
      inputs[area.id] = { strengths, less };
      return h('fieldset', {}, h('legend', {}, area.name),
        field('Strengths', strengths),
        field('Where progress is less than expected', less, 'Leave empty when there is none.'));
    });
    const plans = h('textarea', { name: 'plans', maxlength: 2000, rows: 3 }, check.plans);
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save check');
    const formEl = h('form', { novalidate: true }, status, areas,
      field('What the setting will do', plans, 'Activities and strategies, needed where progress is less than expected.'),
      h('div', { class: 'actions' }, save));
    submits(formEl, message, async () => {
      const sent = {};
      for (const [areaId, i] of Object.entries(inputs)) sent[areaId] = { strengths: i.strengths.value, lessThanExpected: i.less.value };
      const headers = current.etag ? { 'If-Match': current.etag } : {};
      draw(await api('PUT', path, { areas: sent, plans: plans.value }, { headers }));
      say('Check saved.');
    });
    const comments = h('section', { class: 'comments' }, h('h2', {}, 'Parents’ comments'),
      (check.parentComments || []).length === 0 ? h('p', { class: 'muted' }, 'No comments yet.')
        : h('ul', { class: 'list' }, check.parentComments.map((c) => h('li', {}, h('strong', {}, c.name), ` (${formatDate(c.at)}): `, c.text))));
    const extra = [h('p', {}, pdfLink(id)), comments];
    if (!manager) return h('div', {}, formEl, ...extra);
    const finalise = h('button', { type: 'button' }, 'Finalise check');
    finalise.addEventListener('click', () => act(`${path}/finalise`, undefined, 'Check finalised.'));
    const share = h('button', { type: 'button' }, check.sharedWithParents ? 'Stop sharing with the family' : 'Share with the family');
    share.addEventListener('click', () => act(`${path}/share`, { shared: !check.sharedWithParents },
      check.sharedWithParents ? 'No longer shared.' : 'Shared with the family.'));
    return h('div', {}, formEl, h('div', { class: 'actions' }, check.status === 'final' ? share : finalise), ...extra);
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

function parentCheck(id) {
  const path = checkPath(id);
  const heading = h('h1', {}, 'Progress check at age two');
  const message = statusArea('info');
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', '/api/me/children').then(
    (data) => {
      const child = (data.children || []).find((c) => c.id === id);
      if (child) {
        heading.textContent = `${childName(child)}’s progress check at age two`;
        document.title = `${heading.textContent} – Learning journal`;
      }
    },
    () => {},
  );
  let current = null;

  function draw(answer) {
    current = answer.check;
    const check = current;
    const areas = check.areas.map((area) => h('section', { class: 'check-area' },
      h('h2', {}, area.name),
      h('h3', {}, 'Strengths'), h('p', {}, area.strengths),
      h('h3', {}, 'Where progress is less than expected'), h('p', {}, area.lessThanExpected || 'None noted.')));
    const comment = h('textarea', { name: 'comment', maxlength: 2000, rows: 4, required: true }, check.myComment || '');
    const formEl = h('form', { novalidate: true },
      field('Your comments', comment, 'The setting reads them with the check. Other parents do not.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, check.myComment ? 'Update comment' : 'Add comment')));
    submits(formEl, message, async () => {
      draw(await api('PUT', `${path}/comment`, { comment: comment.value }, { headers: { 'If-Match': current.etag || '' } }));
      showMessage(message, 'Thank you: your comment is saved.', 'info');
    });
    replace(body,
      check.finalisedAt ? h('p', { class: 'muted' }, `Completed ${formatDay(check.finalisedAt)}.`) : null,
      areas,
      h('section', { class: 'check-area' }, h('h2', {}, 'What the setting will do'), h('p', {}, check.plans || 'Nothing further noted.')),
      h('p', { class: 'hint' }, check.healthVisitor),
      h('p', {}, pdfLink(id)),
      formEl);
  }

  api('GET', path).then(draw, (error) => replace(body, error.status === 404
    ? h('p', {}, 'The nursery has not shared a progress check at age two for this child yet.')
    : failure(error)));
  return h('section', { class: 'card' }, heading, message, body);
}
