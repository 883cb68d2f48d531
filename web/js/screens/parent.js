// Parents: their children, each child's journal (published entries only, decided by the server),
// comments, and moments from home.

import { api, failure, loading, showError } from '../api.js';
import { field, formatDate, formatDay, h, replace, statusArea } from '../dom.js';
import { AREAS, areaLabel, childName } from '../format.js';
import { submits } from '../form.js';
import { state } from '../session.js';
import { journalDownload } from './download.js';

export function childrenScreen() {
  return h(
    'section',
    { class: 'card' },
    h('h1', {}, 'My children'),
    loading('/api/me/children', (data) => {
      const children = data.children || [];
      if (children.length === 0) return h('p', {}, 'No children are linked to your account yet. Please speak to the nursery.');
      return h('ul', { class: 'list' }, children.map((child) => h('li', {},
        h('a', { href: `/children/${encodeURIComponent(child.id)}` }, childName(child)),
        ' · ', h('a', { href: `/two-year-checks/${encodeURIComponent(child.id)}`, class: 'small' }, 'Progress check at age two'),
        ' · ', h('a', { href: `/assessments/${encodeURIComponent(child.id)}`, class: 'small' }, 'Assessments'))));
    }),
  );
}

export function journalScreen({ id }) {
  const role = state.user.role;
  const heading = h('h1', {}, 'Learning journal');
  api('GET', '/api/me/children').then(
    (data) => {
      const child = (data.children || []).find((c) => c.id === id);
      if (child) {
        heading.textContent = `${childName(child)}’s learning journal`;
        document.title = `${heading.textContent} – Learning journal`;
      }
    },
    () => {},
  );
  // The area filter lives in the address (?area=…), so a reload or a shared link keeps it.
  const chosen = new URLSearchParams(location.search).get('area');
  const area = h('select', { name: 'area' }, h('option', { value: '' }, 'All areas of learning'),
    Object.entries(AREAS).map(([value, label]) => h('option', { value, selected: value === chosen }, label)));
  const filter = h('form', { class: 'journal-filter', role: 'search', 'aria-label': 'Filter the journal' }, field('Area of learning', area));
  filter.addEventListener('submit', (event) => event.preventDefault());
  const pages = h('div', {});
  function more(cursor) {
    const query = new URLSearchParams();
    if (area.value) query.set('area', area.value);
    if (cursor) query.set('cursor', cursor);
    const search = query.toString() ? `?${query}` : '';
    pages.append(loading(`/api/children/${encodeURIComponent(id)}/journal${search}`, (data) => {
      const entries = data.entries || [];
      if (entries.length === 0 && !cursor) {
        return h('p', {}, area.value ? `Nothing for ${areaLabel(area.value)} yet.` : 'Nothing here yet. New moments appear once the nursery has shared them.');
      }
      const next = data.cursor ? h('button', { type: 'button' }, 'Older entries') : null;
      if (next) next.addEventListener('click', () => { next.remove(); more(data.cursor); });
      return h('div', {}, entries.map((entry) => entryView(entry)), next);
    }));
  }
  area.addEventListener('change', () => {
    const url = area.value ? `${location.pathname}?area=${encodeURIComponent(area.value)}` : location.pathname;
    history.replaceState(null, '', url);
    replace(pages);
    more(null);
  });
  more(null);
  const record = role === 'manager' ? h('p', {}, h('a', { href: `/manage/children/${encodeURIComponent(id)}` }, 'Child’s record: leaving and legal hold')) : null;
  return h('div', {},
    h('section', { class: 'card' }, heading, record, filter, pages),
    role === 'practitioner' ? null : journalDownload(id),
    momentsFromHome(id));
}

/** Moments a family shared from home: parents see theirs; staff may add one to the journal. */
function momentsFromHome(childId) {
  const message = statusArea();
  const staff = state.user.role !== 'parent';
  function item(moment) {
    const parts = [h('strong', {}, moment.parentName || 'A parent'), h('span', { class: 'muted' }, ` · ${formatDate(moment.createdAt)}`), h('br'), moment.text];
    if (moment.status === 'accepted') parts.push(' ', h('span', { class: 'badge' }, 'In the journal'));
    else if (staff) {
      const accept = h('button', { type: 'button', class: 'small' }, 'Add to the journal');
      accept.addEventListener('click', async () => {
        try {
          await api('POST', `/api/moments/${encodeURIComponent(childId)}/${encodeURIComponent(moment.id)}/accept`);
          accept.replaceWith(h('span', { class: 'badge' }, 'In the journal'));
        } catch (error) {
          showError(message, error);
        }
      });
      parts.push(' ', accept);
    }
    return h('li', {}, parts);
  }
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, 'Moments from home'),
    message,
    loading(`/api/children/${encodeURIComponent(childId)}/moments`, (data) => {
      const moments = data.moments || [];
      if (moments.length === 0) return h('p', { class: 'muted' }, staff ? 'No moments shared from home yet.' : h('a', { href: '/moments/new' }, 'Share a moment from home'));
      return h('ul', { class: 'list' }, moments.map(item));
    }),
  );
}

/** One observation: text, areas, next steps, photos; `withComments` adds the comment thread. */
export function entryView(entry, { withComments = true } = {}) {
  const names = (entry.children || []).map(childName).filter(Boolean);
  return h(
    'article',
    { class: 'entry' },
    h('h2', {}, formatDay(entry.observedOn) || 'An observation'),
    names.length ? h('p', { class: 'muted' }, `With ${names.join(', ')}`) : null,
    h('p', { class: 'text' }, entry.text || ''),
    (entry.areas || []).length ? h('ul', { class: 'areas', 'aria-label': 'Areas of learning' }, entry.areas.map((a) => h('li', { class: 'badge' }, areaLabel(a)))) : null,
    entry.nextSteps ? h('p', {}, h('strong', {}, 'Next steps: '), entry.nextSteps) : null,
    (entry.photoIds || []).length ? h('ul', { class: 'photos', 'aria-label': 'Photos' }, entry.photoIds.map((photo, index) => photoItem(photo, index))) : null,
    withComments && entry.id ? comments(entry.id) : null,
  );
}

/** A photo; managers may remove one (consent withdrawn), after saying so twice. */
function photoItem(photoId, index) {
  const item = h('li', {}, thumbnail(photoId));
  if (!state.user || state.user.role !== 'manager') return item;
  const remove = h('button', { type: 'button', class: 'small danger', 'aria-label': `Remove photo ${index + 1}` }, 'Remove');
  remove.addEventListener('click', () => {
    const sure = h('button', { type: 'button', class: 'small danger' }, 'Yes, remove it');
    const keep = h('button', { type: 'button', class: 'small' }, 'Keep it');
    const ask = h('div', { class: 'confirm', role: 'group', 'aria-label': `Remove photo ${index + 1}?` }, h('p', {}, 'Remove this photo for good?'), sure, keep);
    const message = statusArea();
    keep.addEventListener('click', () => {
      ask.replaceWith(remove);
      remove.focus();
    });
    sure.addEventListener('click', async () => {
      sure.disabled = true;
      try {
        await api('DELETE', `/api/photos/${encodeURIComponent(photoId)}`);
        replace(item, h('p', { class: 'message info', role: 'status' }, 'Photo removed.'));
      } catch (error) {
        sure.disabled = false;
        showError(message, error);
      }
    });
    remove.replaceWith(ask);
    ask.append(message);
    sure.focus();
  });
  item.append(remove);
  return item;
}

function thumbnail(photoId) {
  const path = `/api/photos/${encodeURIComponent(photoId)}`;
  const button = h('button', { type: 'button', 'aria-label': 'Open photo full size' }, h('img', { src: `${path}?size=thumb`, alt: 'Photo from this moment', loading: 'lazy' }));
  button.addEventListener('click', () => {
    const close = h('button', { type: 'button', class: 'primary' }, 'Close');
    const viewer = h('dialog', { class: 'viewer', 'aria-label': 'Photo' }, h('img', { src: `${path}?size=display`, alt: 'Photo from this moment, full size' }), close);
    close.addEventListener('click', () => viewer.close());
    viewer.addEventListener('close', () => viewer.remove());
    document.body.append(viewer);
    viewer.showModal();
    close.focus();
  });
  return button;
}

function commentItem(comment) {
  const who = comment.mine ? 'You' : comment.author || 'Someone';
  return h('li', {}, h('strong', {}, who), h('span', { class: 'muted' }, ` · ${formatDate(comment.createdAt)}`), h('br'), comment.text);
}

// Journal pages carry no comments: they are read with the observation when asked for.
function comments(observationId) {
  const list = h('ul', { class: 'list' });
  const message = statusArea();
  const text = h('textarea', { name: 'comment', maxlength: 2000, rows: 3 });
  const form = h('form', { novalidate: true, hidden: true }, field('Add a comment', text), h('button', { type: 'submit' }, 'Post comment'));
  const open = h('button', { type: 'button', class: 'small', 'aria-expanded': 'false' }, 'Comments');
  open.addEventListener('click', async () => {
    try {
      const data = await api('GET', `/api/observations/${encodeURIComponent(observationId)}`);
      const items = (data.observation && data.observation.comments) || [];
      replace(list, items.length ? items.map(commentItem) : h('li', { class: 'muted' }, 'No comments yet.'));
      form.hidden = false;
      open.remove();
      text.focus();
    } catch (error) {
      showError(message, error);
    }
  });
  submits(form, message, async () => {
    const data = await api('POST', `/api/observations/${encodeURIComponent(observationId)}/comments`, { text: text.value });
    text.value = '';
    const empty = list.querySelector('.muted:only-child');
    if (empty) empty.remove();
    list.append(commentItem({ ...data.comment, mine: true }));
  }, { check: () => (text.value.trim() ? null : [text, 'Please write a comment first.']) });
  return h('section', { class: 'comments', 'aria-label': 'Comments' }, open, list, message, form);
}

export function momentScreen() {
  const message = statusArea();
  const body = h('div', {});
  const section = h('section', { class: 'card' }, h('h1', {}, 'Add a moment from home'), message, body);
  api('GET', '/api/me/children').then(
    (data) => {
      const children = data.children || [];
      const select = h('select', { name: 'child', required: true }, children.map((c) => h('option', { value: c.id }, childName(c))));
      const text = h('textarea', { name: 'text', maxlength: 5000, required: true });
      const form = h('form', { novalidate: true }, field('Which child?', select), field('What happened?', text, 'Share something your child did or said at home.'), h('button', { type: 'submit', class: 'primary' }, 'Share with the nursery'));
      submits(form, message, async () => {
        await api('POST', `/api/children/${encodeURIComponent(select.value)}/moments`, { text: text.value });
        form.replaceWith(h('p', { class: 'message info', role: 'status' }, 'Thank you! The nursery will see your moment.'));
      });
      replace(body, form);
    },
    (error) => replace(body, failure(error)),
  );
  return section;
}
