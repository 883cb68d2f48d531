// Assessments. Staff: the setting's assessment points (a manager names and dates them and makes
// the setting's choices), each child's points, and the judging form: every aspect of the
// framework with the child's observations of the point's period suggested as evidence; a manager
// approves. Parents: their child's final judgements, when the setting shows them to families.

import { api, explain, loading } from '../api.js';
import { field, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { childName } from '../format.js';
import { submits } from '../form.js';
import { state } from '../session.js';

const VALUES = {
  'not-yet-on-track': 'Not yet on track',
  'on-track': 'On track',
  'working-beyond': 'Working beyond',
  emerging: 'Emerging',
  developing: 'Developing',
  secure: 'Secure',
};
const SCALES = { 'on-track': 'Not yet on track / on track / working beyond', 'age-band': 'Age band, then emerging / developing / secure' };

const childPath = (id) => `/api/children/${encodeURIComponent(id)}/assessments`;
const screenPath = (id, point) => `/assessments/${encodeURIComponent(id)}${point ? `?point=${encodeURIComponent(point)}` : ''}`;
const judgedText = (j, bands) => [bands.find((b) => b.id === j.band)?.name, VALUES[j.value] || j.value].filter(Boolean).join(', ');
const period = (p) => `${formatDay(p.opens)} to ${formatDay(p.closes)}`;

export function plansScreen() {
  const message = statusArea('info');
  return h('section', { class: 'card' },
    h('h1', {}, 'Assessments'),
    h('p', { class: 'hint' }, 'At each assessment point, judge every aspect for each child. Observations of the point’s period are suggested as evidence; a manager approves.'),
    message,
    overview(message),
    state.user.role === 'manager' ? h('section', {}, h('h2', {}, 'The setting’s points and choices'),
      loading('/api/assessment-plan', (data) => planForms(data.plan, message))) : null,
  );
}

const STANDING = { draft: 'Waiting for approval', final: 'Approved' };

/** One point's children (today's to start with) with where each stands; links open the judging form. */
function overview(message) {
  const select = h('select', { name: 'point' });
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  async function show(pointId) {
    const data = await api('GET', `/api/assessments${pointId ? `?point=${encodeURIComponent(pointId)}` : ''}`);
    select.value = data.point.id;
    const rows = data.children.map((child) => h('li', { class: 'row' },
      h('a', { href: screenPath(child.id, data.point.id) }, childName(child)),
      h('span', { class: 'muted' }, ` ${STANDING[child.status] || 'Not started'}${child.judged ? `, ${child.judged} judged` : ''}.`)));
    replace(list, h('p', { id: 'waiting' }, `Waiting for approval: ${data.waitingForApproval}`),
      rows.length ? h('ul', { class: 'list', 'aria-label': 'Children' }, rows) : h('p', {}, 'No children to show.'));
  }
  api('GET', '/api/assessment-plan').then((data) => {
    replace(select, data.plan.points.map((p) => h('option', { value: p.id }, `${p.name} (${period(p)})`)));
    return show(null);
  }).catch((error) => showMessage(message, explain(error), 'error'));
  select.addEventListener('change', () => show(select.value).catch((error) => showMessage(message, explain(error), 'error')));
  return h('section', {}, h('h2', {}, 'Children at a point'), field('Assessment point', select), list);
}

/** A manager's forms: the points' names and dates, and the setting's choices. */
function planForms(plan, message) {
  let etag = plan.etag;
  const rows = [];
  const points = h('fieldset', {}, h('legend', {}, 'Assessment points'));
  const addRow = (p) => {
    const row = { id: p.id, name: h('input', { value: p.name, maxlength: 60 }),
      opens: h('input', { type: 'date', value: p.opens }), closes: h('input', { type: 'date', value: p.closes }) };
    rows.push(row);
    points.append(h('div', { class: 'point-row', role: 'group', 'aria-label': p.name || 'New point' },
      field('Name', row.name), field('Opens', row.opens), field('Closes', row.closes)));
    return row;
  };
  plan.points.forEach(addRow);
  const add = h('button', { type: 'button' }, 'Add a point');
  add.addEventListener('click', () => addRow({ name: '', opens: '', closes: '' }).name.focus());
  const savePoints = h('form', { novalidate: true }, points, h('div', { class: 'actions' }, add, h('button', { type: 'submit' }, 'Save points')));
  submits(savePoints, message, async () => {
    const sent = rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), name: r.name.value, opens: r.opens.value, closes: r.closes.value }));
    const saved = await api('PUT', '/api/assessment-plan/points', { points: sent }, { headers: { 'If-Match': etag } });
    etag = saved.plan.etag;
    saved.plan.points.forEach((p, i) => { if (rows[i]) rows[i].id = p.id; }); // new points have ids now
    showMessage(message, 'Assessment points saved.', 'info');
  });
  const scale = h('select', { name: 'scale' }, Object.entries(SCALES).map(([v, label]) => h('option', { value: v, selected: v === plan.scale }, label)));
  const unapproved = h('input', { type: 'checkbox', name: 'unapprovedEvidence', checked: plan.unapprovedEvidence });
  const parents = h('input', { type: 'checkbox', name: 'parentsSeeFinal', checked: plan.parentsSeeFinal });
  const options = h('form', { novalidate: true },
    h('fieldset', {}, h('legend', {}, 'Choices'), field('Scale', scale),
      h('label', {}, unapproved, ' Observations awaiting approval count as evidence'),
      h('label', {}, parents, ' Parents see final judgements')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save choices')));
  submits(options, message, async () => {
    const body = { scale: scale.value, unapprovedEvidence: unapproved.checked, parentsSeeFinal: parents.checked };
    const saved = await api('PATCH', '/api/assessment-plan/options', body, { headers: { 'If-Match': etag } });
    etag = saved.plan.etag;
    showMessage(message, 'Choices saved.', 'info');
  });
  return h('div', {}, savePoints, options);
}

export function childScreen({ id }) {
  const point = new URLSearchParams(location.search).get('point');
  const heading = h('h1', {}, 'Assessments');
  const message = statusArea('info');
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const named = state.user.role === 'parent'
    ? api('GET', '/api/me/children').then((data) => (data.children || []).find((c) => c.id === id))
    : api('GET', `/api/children/${encodeURIComponent(id)}`);
  named.then((child) => {
    if (!child) return;
    heading.textContent = `${childName(child)}’s assessments`;
    document.title = `${heading.textContent} – Learning journal`;
  }, () => {});
  if (state.user.role === 'parent') parentView(id, body);
  else if (point) judging(id, point, body, message);
  else pointsList(id, body, message);
  return h('section', { class: 'card' }, heading, message, body);
}

function pointsList(id, body, message) {
  api('GET', childPath(id)).then((data) => replace(body, h('ul', { class: 'list', 'aria-label': 'Assessment points' }, data.points.map((p) =>
    h('li', { class: 'row' }, h('a', { href: screenPath(id, p.id) }, p.name),
      h('span', { class: 'muted' }, ` ${period(p)}. ${p.status === 'final' ? 'Approved' : p.status === 'draft' ? `Draft, ${p.judged} judged` : 'Not started'}.`))))),
  (error) => showMessage(message, explain(error), 'error'));
}

function judging(id, pointId, body, message) {
  const path = `${childPath(id)}/${encodeURIComponent(pointId)}`;
  let current = null;
  const draw = (answer) => { current = answer.assessment; replace(body, form(current)); };

  function form(a) {
    const manager = state.user.role === 'manager';
    const inputs = {};
    const areas = [...new Set(a.aspects.map((x) => x.area))];
    const groups = areas.map((area) => h('fieldset', {}, h('legend', {}, area), a.aspects.filter((x) => x.area === area).map((aspect) => {
      const judged = aspect.judgement || {};
      const value = h('select', { name: `${aspect.id}-value`, 'aria-label': `${aspect.name}: judgement` }, h('option', { value: '' }, 'Not judged'),
        a.values.map((v) => h('option', { value: v, selected: judged.value === v }, VALUES[v] || v)));
      const band = a.bands.length ? h('select', { name: `${aspect.id}-band`, 'aria-label': `${aspect.name}: age band` },
        a.bands.map((b) => h('option', { value: b.id, selected: judged.band === b.id }, b.name))) : null;
      const note = h('textarea', { name: `${aspect.id}-note`, rows: 2, maxlength: 1000, 'aria-label': `${aspect.name}: note` }, judged.note || '');
      const cited = new Set(judged.evidence || []);
      const boxes = aspect.suggested.observations.map((o) => h('label', { class: 'evidence' },
        h('input', { type: 'checkbox', value: o.id, checked: cited.has(o.id) }), ` ${formatDay(o.observedOn)}: ${o.excerpt}`));
      // Cited before but not suggested now (outside the period, or withdrawn): kept as cited.
      const shown = new Set(aspect.suggested.observations.map((o) => o.id));
      const kept = [...cited].filter((o) => !shown.has(o));
      inputs[aspect.id] = { value, band, note, boxes, kept, was: Boolean(aspect.judgement) };
      const count = aspect.suggested.count;
      return h('div', { class: 'aspect', role: 'group', 'aria-label': aspect.name }, h('h3', {}, aspect.name),
        value, band, note, h('p', { class: 'muted' }, count === 1 ? '1 observation this period' : `${count} observations this period`), boxes);
    })));
    const status = h('p', { class: 'muted', id: 'assessment-status' }, `${a.point.name}, ${period(a.point)}. ${a.framework.name}. `,
      a.status === 'final' ? 'Approved (final).' : 'Draft.', ' ', h('a', { href: screenPath(id) }, 'All assessment points'));
    if (a.mayJudge === false) {
      // Not this reader's to judge (not the key person, or approved): shown, not offered.
      groups.forEach((g) => { g.disabled = true; });
      return h('div', {}, status, h('p', { class: 'muted', id: 'read-only-reason' }, a.readOnlyReason), groups);
    }
    const formEl = h('form', { novalidate: true }, status, groups, h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save judgements')));
    submits(formEl, message, async () => {
      const judgements = {};
      for (const [aspect, i] of Object.entries(inputs)) {
        if (!i.value.value) {
          if (i.was) judgements[aspect] = null;
          continue;
        }
        const ticked = i.boxes.map((b) => b.firstChild).filter((b) => b.checked).map((b) => b.value);
        judgements[aspect] = { judgement: i.value.value, note: i.note.value, evidence: [...i.kept, ...ticked] };
        if (i.band) judgements[aspect].band = i.band.value;
      }
      draw(await api('PUT', path, { judgements }, { headers: { 'If-Match': current.etag } }));
      showMessage(message, 'Judgements saved.', 'info');
    });
    if (!manager || a.status === 'final' || a.etag === 'new') return formEl;
    const approve = h('button', { type: 'button' }, 'Approve judgements');
    approve.addEventListener('click', async () => {
      try {
        draw(await api('POST', `${path}/approve`, undefined, { headers: { 'If-Match': current.etag } }));
        showMessage(message, 'Judgements approved.', 'info');
      } catch (error) {
        showMessage(message, explain(error), 'error');
      }
    });
    return h('div', {}, formEl, h('div', { class: 'actions' }, approve));
  }

  api('GET', path).then(draw, (error) => showMessage(message, explain(error), 'error'));
}

function parentView(id, body) {
  api('GET', childPath(id)).then((data) => {
    if (data.points.length === 0) return replace(body, h('p', {}, 'No judgements have been approved yet.'));
    return replace(body, data.points.map((p) => h('section', { class: 'check-area' }, h('h2', {}, p.name), h('p', { class: 'muted' }, period(p)),
      h('ul', { class: 'list' }, p.assessment.aspects.map((x) => h('li', {}, h('strong', {}, x.name), `: ${judgedText(x.judgement, p.assessment.bands)}`))))));
  }, (error) => replace(body, error.status === 404
    ? h('p', {}, 'The nursery does not share assessment judgements with families.')
    : h('p', {}, explain(error))));
}
