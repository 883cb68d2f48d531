// Rooms in the staff screens: a room filter kept in the address (so a reload keeps it), and the
// children picker of a new observation, searchable by name and filtered by room.

import { api, failure } from './api.js';
import { field, h, replace } from './dom.js';
import { childName } from './format.js';

/** The setting's rooms, or none when they cannot be read (a filter is then simply not offered). */
export function loadRooms() {
  return api('GET', '/api/rooms').catch(() => ({ rooms: [], mine: [] }));
}

function roomSelect(rooms, chosen) {
  const select = h('select', { name: 'room' }, h('option', { value: '' }, 'All rooms'),
    rooms.filter((r) => !r.retired).map((r) => h('option', { value: r.id }, r.name)));
  if (rooms.some((r) => r.id === chosen && !r.retired)) select.value = chosen;
  return select;
}

function withRoom(path, room) {
  if (!room) return path;
  return `${path}${path.includes('?') ? '&' : '?'}room=${encodeURIComponent(room)}`;
}

/**
 * A list loaded from `path`, narrowed to one room by the server (?room=): `draw(data, rooms)` may
 * return an element or a promise of one. The choice goes into the address bar as ?room=.
 */
export function byRoom(path, draw, { label = 'Show room' } = {}) {
  const list = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const filter = h('div', { class: 'room-filter' });
  let rooms = [];
  /** The choice into the address, so a reload keeps it; only while this screen is the one shown. */
  function remember(room) {
    if (!list.isConnected) return;
    const url = new URL(location.href);
    if (room) url.searchParams.set('room', room);
    else url.searchParams.delete('room');
    history.replaceState(history.state, '', url.pathname + url.search);
  }
  async function load(select) {
    // Left already (the rooms came back after the user moved on): ask for nothing more, so a
    // screen no longer shown never sends a request, nor meets an ended session.
    if (!list.isConnected) return;
    const room = select ? select.value : '';
    try {
      const data = await api('GET', withRoom(path, room));
      replace(list, await draw(data, rooms));
    } catch (error) {
      replace(list, failure(error));
    }
  }
  loadRooms().then((data) => {
    rooms = data.rooms || [];
    if (rooms.length === 0) return load(null);
    const select = roomSelect(rooms, new URLSearchParams(location.search).get('room') || '');
    select.addEventListener('change', () => {
      remember(select.value);
      load(select);
    });
    replace(filter, field(label, select));
    return load(select);
  });
  return h('div', {}, filter, list);
}

function normalised(text) {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Checkboxes named `child` for many children without one long list: a search box (name, any
 * case, with or without accents) and a room filter narrow what is shown; chosen children stay
 * chosen (and listed above) whatever the filter. Enter in the search box picks the only match.
 */
export function childPicker(children, rooms, { legend = 'Children in this observation' } = {}) {
  const roomNames = new Map(rooms.map((r) => [r.id, r.name]));
  const search = h('input', { type: 'search', name: 'childSearch', autocomplete: 'off', 'aria-controls': 'picker-list' });
  const select = rooms.length ? roomSelect(rooms, '') : null;
  const count = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const chosen = h('p', { class: 'picked', 'aria-live': 'polite' });
  const items = children.map((child) => {
    const box = h('input', { type: 'checkbox', name: 'child', value: child.id });
    const room = roomNames.get(child.roomId);
    const item = h('li', {}, h('label', {}, box, h('span', {}, childName(child)), room ? h('span', { class: 'badge' }, room) : null));
    return { child, box, item, key: normalised(childName(child)) };
  });
  const list = h('ul', { class: 'picker-list', id: 'picker-list', 'aria-label': 'Children to choose from' }, items.map((i) => i.item));
  function show() {
    const words = normalised(search.value).split(/\s+/).filter(Boolean);
    const room = select ? select.value : '';
    let shown = 0;
    for (const i of items) {
      const fits = words.every((w) => i.key.includes(w)) && (!room || i.child.roomId === room);
      i.item.hidden = !(fits || i.box.checked);
      if (!i.item.hidden) shown += 1;
    }
    count.textContent = `Showing ${shown} of ${items.length} children.`;
    const names = items.filter((i) => i.box.checked).map((i) => childName(i.child));
    chosen.textContent = names.length ? `Chosen: ${names.join(', ')}` : 'No child chosen yet.';
  }
  search.addEventListener('input', show);
  search.addEventListener('keydown', (event) => {
    const visible = items.filter((i) => !i.item.hidden && !i.box.checked);
    if (event.key === 'Enter') {
      event.preventDefault(); // not the form's submit
      if (visible.length === 1) {
        visible[0].box.checked = true;
        search.value = '';
        show();
      }
    } else if (event.key === 'ArrowDown' && visible.length) {
      event.preventDefault();
      visible[0].box.focus();
    }
  });
  list.addEventListener('change', show);
  if (select) select.addEventListener('change', show);
  show();
  return h('fieldset', { class: 'checks picker' }, h('legend', {}, legend),
    h('div', { class: 'picker-filters' }, field('Find a child', search, 'Type part of a name.'), select ? field('Room', select) : null),
    count, chosen, list);
}
