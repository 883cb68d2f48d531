// Managers: the setting's rooms (add, rename, retire), which staff work in which rooms, and the
// tracker's one policy choice (whether the setting records children's sex).

import { api, loading, showError } from '../api.js';
import { formDialog } from '../dialog.js';
import { field, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';

function roomRow(room, staffNames, message, redraw) {
  const rename = h('button', { type: 'button', class: 'small', 'aria-label': `Rename ${room.name}` }, 'Rename');
  rename.addEventListener('click', () => {
    const name = h('input', { name: 'name', required: true, maxlength: 40, autocomplete: 'off', value: room.name });
    formDialog(`Rename ${room.name}`, [field('Name', name)], 'Save', async () => {
      await api('PATCH', `/api/rooms/${encodeURIComponent(room.id)}`, { name: name.value }, { headers: { 'If-Match': room.etag } });
      showMessage(message, 'Renamed.', 'info');
      redraw();
    });
  });
  const retire = h('button', { type: 'button', class: 'small danger', 'aria-label': `Retire ${room.name}` }, 'Retire');
  retire.addEventListener('click', async () => {
    try {
      await api('POST', `/api/rooms/${encodeURIComponent(room.id)}/retire`, undefined, { headers: { 'If-Match': room.etag } });
      showMessage(message, `${room.name} is retired. Its history is kept.`, 'info');
      redraw();
    } catch (error) {
      showError(message, error);
    }
  });
  const staff = (room.staffIds || []).map((id) => staffNames.get(id)).filter(Boolean);
  return h('li', { class: 'row room' },
    h('span', {}, h('strong', {}, room.name), room.retired ? h('span', { class: 'badge warn' }, 'Retired') : null),
    h('span', { class: 'muted' }, `${room.children} ${room.children === 1 ? 'child' : 'children'}`, staff.length ? ` · ${staff.join(', ')}` : ''),
    room.retired ? null : h('span', { class: 'inline' }, rename, retire));
}

function staffRooms(person, rooms, mine, message) {
  const boxes = rooms.map((room) => h('label', {}, h('input', { type: 'checkbox', name: 'room', value: room.id, checked: mine.includes(room.id) }), room.name));
  const form = h('form', { novalidate: true, class: 'staff-rooms' },
    h('fieldset', { class: 'checks inline' }, h('legend', {}, person.name), boxes),
    h('button', { type: 'submit', class: 'small' }, `Save ${person.name}’s rooms`));
  submits(form, message, async () => {
    const roomIds = [...form.querySelectorAll('input[name=room]:checked')].map((el) => el.value);
    await api('PUT', `/api/staff/${encodeURIComponent(person.id)}/rooms`, { roomIds });
    showMessage(message, `Saved ${person.name}’s rooms.`, 'info');
  });
  return form;
}

function trackerPolicy(message) {
  return loading('/api/setting/tracker', (policy) => {
    const box = h('input', { type: 'checkbox', name: 'recordSex', checked: policy.recordSex });
    const form = h('form', { novalidate: true },
      h('div', { class: 'checks' }, h('label', {}, box, 'Record each child’s sex (for boys / girls in cohort reports)')),
      h('p', { class: 'hint' }, 'Off by default. Turning it off deletes every child’s recorded sex.'),
      h('button', { type: 'submit', class: 'small' }, 'Save tracker policy'));
    let version = policy.etag;
    submits(form, message, async () => {
      const saved = await api('PATCH', '/api/setting/tracker', { recordSex: box.checked }, { headers: { 'If-Match': version } });
      version = saved.etag;
      showMessage(message, 'Tracker policy saved.', 'info');
    });
    return form;
  });
}

export function roomsScreen() {
  const message = statusArea();
  const body = h('div', {});
  function draw() {
    replace(body, h('p', { class: 'muted' }, 'Loading…'));
    Promise.all([api('GET', '/api/rooms'), api('GET', '/api/staff')]).then(([data, people]) => {
      const staff = (people.staff || []).filter((p) => p.status === 'active');
      const names = new Map(staff.map((p) => [p.id, p.name]));
      const rooms = data.rooms || [];
      const active = rooms.filter((r) => !r.retired);
      const byStaff = new Map(staff.map((p) => [p.id, rooms.filter((r) => (r.staffIds || []).includes(p.id)).map((r) => r.id)]));
      replace(body,
        rooms.length ? h('ul', { class: 'list', 'aria-label': 'Rooms' }, rooms.map((r) => roomRow(r, names, message, draw))) : h('p', {}, 'No rooms yet. Add the first below.'),
        h('h2', {}, 'Staff in rooms'),
        active.length ? h('div', {}, staff.map((p) => staffRooms(p, active, byStaff.get(p.id) || [], message))) : h('p', { class: 'muted' }, 'Add a room to assign staff to it.'));
    }, (error) => showError(message, error));
  }
  const name = h('input', { name: 'name', required: true, maxlength: 40, autocomplete: 'off' });
  const form = h('form', { novalidate: true, class: 'inline' }, field('New room', name, 'For example Babies, Toddlers or Pre-school.'), h('button', { type: 'submit', class: 'primary' }, 'Add room'));
  submits(form, message, async () => {
    await api('POST', '/api/rooms', { name: name.value });
    showMessage(message, `Added ${name.value.trim()}.`, 'info');
    form.reset();
    draw();
  }, { check: () => (name.value.trim() ? null : [name, 'Please name the room.']) });
  draw();
  return h('section', { class: 'card' }, h('h1', {}, 'Rooms'), message, body, form, h('h2', {}, 'Tracker'), trackerPolicy(message));
}
