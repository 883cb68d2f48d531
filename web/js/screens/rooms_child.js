// Managers, on a child's record: the child's room (move, with the history of stays) and the
// tracker's staff-only details (date started, EAL, SEND support, EYPP, funded two-year-old, and
// sex where the setting records it). Both save from the version read (If-Match).

import { api, failure } from '../api.js';
import { field, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';

function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

export function roomSection(childId) {
  const path = `/api/children/${encodeURIComponent(childId)}/room`;
  const message = statusArea();
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  function draw(placement, rooms) {
    const names = new Map(rooms.map((r) => [r.id, r.name]));
    const choices = rooms.filter((r) => !r.retired && r.id !== placement.roomId);
    const select = h('select', { name: 'roomId', required: true }, choices.map((r) => h('option', { value: r.id }, r.name)));
    const from = h('input', { type: 'date', name: 'from', required: true, value: today() });
    const form = h('form', { novalidate: true, class: 'move-room' }, field(placement.roomId ? 'Move to' : 'Put in room', select), field('From', from),
      h('button', { type: 'submit', class: 'primary' }, placement.roomId ? 'Move child' : 'Put in room'));
    submits(form, message, async () => {
      const moved = await api('PUT', path, { roomId: select.value, from: from.value }, { headers: { 'If-Match': placement.etag } });
      draw(moved, rooms);
      showMessage(message, `Moved to ${names.get(moved.roomId) || 'the room'}.`, 'info');
    });
    const history = (placement.history || []).map((s) => h('li', {}, `${names.get(s.roomId) || 'A room'}: ${formatDay(s.from)} – ${s.to ? formatDay(s.to) : 'now'}`));
    replace(body,
      h('p', {}, 'Room now: ', h('strong', { class: 'current-room' }, placement.roomId ? names.get(placement.roomId) || '' : 'None')),
      history.length ? h('ul', { class: 'list stays', 'aria-label': 'Rooms over time' }, history) : null,
      choices.length ? form : h('p', { class: 'muted' }, 'Add rooms on the Rooms page to place children in them.'));
  }
  Promise.all([api('GET', path), api('GET', '/api/rooms')]).then(
    ([placement, data]) => draw(placement, data.rooms || []),
    (error) => replace(body, failure(error)),
  );
  return h('section', { class: 'panel', 'aria-labelledby': 'room-heading' }, h('h2', { id: 'room-heading' }, 'Room'), message, body);
}

const FLAGS = [
  ['eal', 'English as an additional language (EAL)'],
  ['sendSupport', 'SEND support'],
  ['eypp', 'Early years pupil premium'],
  ['fundedTwo', 'Funded two-year-old place'],
];

export function detailsSection(childId) {
  const path = `/api/children/${encodeURIComponent(childId)}/details`;
  const message = statusArea();
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  function draw(details) {
    const started = h('input', { type: 'date', name: 'dateStarted', value: details.dateStarted || '' });
    const boxes = FLAGS.map(([key, label]) => h('label', {}, h('input', { type: 'checkbox', name: key, checked: Boolean(details[key]) }), label));
    const sex = 'sex' in details
      ? h('select', { name: 'sex' }, [['', 'Not recorded'], ['female', 'Female'], ['male', 'Male']].map(([v, l]) => h('option', { value: v, selected: (details.sex || '') === v }, l)))
      : null;
    const form = h('form', { novalidate: true, class: 'tracker-details' },
      field('Date started', started),
      h('fieldset', { class: 'checks' }, h('legend', {}, 'Groups for the tracker'), boxes),
      sex ? field('Sex', sex) : null,
      h('button', { type: 'submit', class: 'primary' }, 'Save details'));
    submits(form, message, async () => {
      const change = { dateStarted: started.value || null };
      for (const [key] of FLAGS) change[key] = form.elements.namedItem(key).checked;
      if (sex) change.sex = sex.value;
      const saved = await api('PATCH', path, change, { headers: { 'If-Match': details.etag } });
      draw(saved);
      showMessage(message, 'Details saved.', 'info');
    });
    replace(body, form);
  }
  api('GET', path).then(draw, (error) => replace(body, failure(error)));
  return h('section', { class: 'panel', 'aria-labelledby': 'details-heading' },
    h('h2', { id: 'details-heading' }, 'Tracker details'),
    h('p', { class: 'muted' }, 'Staff only: families never see these. Deleted with the child’s records.'),
    message, body);
}
