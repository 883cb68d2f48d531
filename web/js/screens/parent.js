// Parents: their children, each child's journal (published entries only, decided by the server),
// comments, and moments from home.

import { api } from '../api.js';
import { field, formatDate, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { areaLabel, childName } from '../format.js';
import { state } from '../session.js';
import { failure, loading, notAvailable } from './pending.js';

export function childrenScreen() {
  return h(
    'section',
    { class: 'card' },
    h('h1', {}, 'My children'),
    loading('/api/me/children', 'The list of your children', (data) => {
      const children = data.children || [];
      if (children.length === 0) return h('p', {}, 'No children are linked to your account yet. Please speak to the nursery.');
      return h('ul', { class: 'list' }, children.map((child) => h('li', {}, h('a', { href: `/children/${encodeURIComponent(child.id)}` }, childName(child)))));
    }),
  );
}

export function journalScreen({ id }) {
  const heading = h('h1', {}, 'Learning journal');
  api('GET', '/api/me/children').then(
    (data) => {
      const child = (data.children || []).find((c) => c.id === id);
      if (child) heading.textContent = `${childName(child)}’s learning journal`;
    },
    () => {},
  );
  const pages = h('div', {});
  function more(cursor) {
    const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    pages.append(loading(`/api/children/${encodeURIComponent(id)}/journal${query}`, 'The journal', (data) => {
      const entries = data.entries || [];
      if (entries.length === 0 && !cursor) return h('p', {}, 'Nothing here yet. New moments appear once the nursery has shared them.');
      const next = data.cursor ? h('button', { type: 'button' }, 'Older entries') : null;
      if (next) next.addEventListener('click', () => { next.remove(); more(data.cursor); });
      return h('div', {}, entries.map((entry) => entryView(entry)), next);
    }));
  }
  more(null);
  return h('div', {}, h('section', { class: 'card' }, heading, pages), momentsFromHome(id));
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
          if (error.status !== 401) showMessage(message, error.message);
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
    loading(`/api/children/${encodeURIComponent(childId)}/moments`, 'Moments from home', (data) => {
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
    (entry.photoIds || []).length ? h('ul', { class: 'photos', 'aria-label': 'Photos' }, entry.photoIds.map((photo) => h('li', {}, thumbnail(photo)))) : null,
    withComments && entry.id ? comments(entry.id) : null,
  );
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
      if (error.status !== 401) showMessage(message, error.message);
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return showMessage(message, 'Please write a comment first.');
    try {
      const data = await api('POST', `/api/observations/${encodeURIComponent(observationId)}/comments`, { text: text.value });
      text.value = '';
      showMessage(message, '');
      const empty = list.querySelector('.muted:only-child');
      if (empty) empty.remove();
      list.append(commentItem({ ...data.comment, mine: true }));
    } catch (error) {
      if (error.status !== 401) showMessage(message, error.message);
    }
  });
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
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          await api('POST', `/api/children/${encodeURIComponent(select.value)}/moments`, { text: text.value });
          form.replaceWith(h('p', { class: 'message info', role: 'status' }, 'Thank you! The nursery will see your moment.'));
        } catch (error) {
          if (error.status !== 401) showMessage(message, error.notAvailable ? 'Sharing moments is not available yet.' : error.message);
        }
      });
      replace(body, form);
    },
    (error) => {
      if (error.status !== 401) replace(body, error.notAvailable ? notAvailable('Sharing moments from home') : failure(error));
    },
  );
  return section;
}
