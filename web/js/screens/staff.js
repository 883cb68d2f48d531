// Practitioners: the children (key children first), new observations with photos, drafts.

import { api, failure, loading, showError, upload } from '../api.js';
import { field, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { AREAS, childName } from '../format.js';
import { submits } from '../form.js';
import { byRoom, childPicker, loadRooms } from '../rooms.js';
import { aspectPicker } from './aspects.js';
import { state } from '../session.js';

function isKeyChild(child) {
  return child.keyChild === true || (child.keyPersonId && child.keyPersonId === state.user.id);
}

export function childrenScreen() {
  return h(
    'section',
    { class: 'card' },
    h('h1', {}, 'Children'),
    byRoom('/api/children', (data) => {
      const children = [...(data.children || [])].sort((a, b) => Number(isKeyChild(b)) - Number(isKeyChild(a)) || childName(a).localeCompare(childName(b)));
      if (children.length === 0) return h('p', {}, 'No children yet.');
      return h('ul', { class: 'list' }, children.map((child) => h('li', { class: 'row' }, h('a', { href: `/children/${encodeURIComponent(child.id)}` }, childName(child)), isKeyChild(child) ? h('span', { class: 'badge' }, 'Key child') : null)));
    }),
  );
}

export function newObservationScreen() {
  const message = statusArea();
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  // Staff's list carries each child's room, for the picker's room filter; leavers are not observed.
  Promise.all([api('GET', '/api/children'), loadRooms()]).then(
    ([data, rooms]) => replace(body, observationForm((data.children || []).filter((c) => !c.archived), message, rooms.rooms || [])),
    (error) => replace(body, failure(error)),
  );
  return h('section', { class: 'card' }, h('h1', {}, 'New observation'), message, body);
}

function observationForm(children, message, rooms = []) {
  const areaBoxes = Object.entries(AREAS).map(([value, label]) => h('label', {}, h('input', { type: 'checkbox', name: 'area', value }), label));
  const aspects = aspectPicker();
  const text = h('textarea', { name: 'text', maxlength: 5000, required: true });
  const nextSteps = h('textarea', { name: 'nextSteps', maxlength: 5000, rows: 3 });
  const observedOn = h('input', { type: 'date', name: 'observedOn', required: true, value: new Date().toISOString().slice(0, 10) });
  const files = h('input', { type: 'file', name: 'photos', accept: 'image/jpeg,image/png,image/webp', multiple: true });
  const previews = h('ul', { class: 'preview', 'aria-label': 'Photos to upload' });
  let chosen = [];
  files.addEventListener('change', () => {
    for (const item of chosen) URL.revokeObjectURL(item.url);
    // A local preview before anything is sent; blob: URLs are allowed by the CSP for this.
    chosen = [...files.files].map((file) => {
      const url = URL.createObjectURL(file);
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `Upload of ${file.name}` });
      return { file, url, bar, item: h('li', {}, h('img', { src: url, alt: `Preview of ${file.name}` }), bar) };
    });
    replace(previews, chosen.map((c) => c.item));
  });
  const save = h('button', { type: 'submit', name: 'draft', value: 'draft' }, 'Save as draft');
  const submit = h('button', { type: 'submit', class: 'primary', name: 'submit', value: 'submit' }, 'Submit for approval');
  const form = h(
    'form',
    { novalidate: true },
    childPicker(children, rooms),
    field('What did you see?', text),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Areas of learning'), areaBoxes),
    aspects.element,
    field('Next steps', nextSteps),
    field('Date observed', observedOn),
    field('Photos', files, 'JPEG, PNG or WebP, up to 10 MB each. Location and camera details are removed.'),
    previews,
    h('div', { class: 'actions' }, save, submit),
  );
  const picked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((el) => el.value);
  const check = () =>
    (picked('child').length === 0 && [form.querySelector('input[name=child]') || save, 'Please choose at least one child.']) ||
    (!text.value.trim() && [text, 'Please describe what you saw.']) ||
    null;
  // The draft once saved: later sends change it (from the version saved) rather than add another.
  let saved = null;
  let asWritten = false; // the author chose to keep names of children they did not tag
  const untagged = h('div', { class: 'message info', role: 'alert', hidden: true });
  form.insertBefore(untagged, form.querySelector('.actions'));
  /** S37: the text names children it does not tag; ask before photos or approval go further. */
  function askAboutUntagged(names, submitter) {
    const tag = h('button', { type: 'button', class: 'primary' }, 'Tag them');
    const keep = h('button', { type: 'button' }, 'Keep as written');
    tag.addEventListener('click', () => {
      for (const { childId } of names) {
        const box = form.querySelector(`input[name=child][value="${CSS.escape(childId)}"]`);
        if (box) box.checked = true;
      }
      untagged.hidden = true;
      form.requestSubmit(submitter);
    });
    keep.addEventListener('click', () => {
      asWritten = true;
      untagged.hidden = true;
      form.requestSubmit(submitter);
    });
    replace(untagged,
      h('p', {}, `These children are named but not tagged: ${names.map((n) => n.name).join(', ')}. Tag them, or rephrase?`),
      h('p', { class: 'hint' }, 'Your draft is kept. Families only ever see other children as the setting’s privacy policy says.'),
      h('div', { class: 'inline' }, tag, keep));
    untagged.hidden = false;
    tag.focus();
  }
  submits(form, message, async (submitter) => {
    const childIds = picked('child');
    const areas = picked('area');
    const submitting = submitter === submit;
    const fields = { childIds, text: text.value, areas, aspects: aspects.picked(), nextSteps: nextSteps.value, observedOn: observedOn.value };
    const answer = saved
      ? await api('PATCH', `/api/observations/${encodeURIComponent(saved.id)}`, fields, { headers: { 'If-Match': saved.etag } })
      : await api('POST', '/api/observations', fields);
    saved = answer.observation;
    if ((answer.untaggedNames || []).length && !asWritten) {
      askAboutUntagged(answer.untaggedNames, submitter);
      return;
    }
    untagged.hidden = true;
    const id = saved.id;
    for (const item of chosen) {
      await upload(`/api/observations/${encodeURIComponent(id)}/photos`, item.file, (share) => {
        item.bar.value = share;
      });
    }
    if (submitting) await api('POST', `/api/observations/${encodeURIComponent(id)}/submit`);
    form.replaceWith(h('p', { class: 'message info', role: 'status' }, submitting ? 'Submitted. A manager will check it before families see it.' : 'Saved as a draft.'), previews);
  }, { check });
  return form;
}

export function draftsScreen() {
  const message = statusArea();
  return h(
    'section',
    { class: 'card' },
    h('h1', {}, 'My drafts'),
    message,
    loading('/api/observations?status=draft', (data) => {
      const items = data.observations || [];
      if (items.length === 0) return h('p', {}, 'No drafts.');
      return h('ul', { class: 'list' }, items.map((o) => draftItem(o, message)));
    }),
  );
}

function draftItem(draft, message) {
  const item = h('li', { class: 'draft' });
  function show(o) {
    const edit = h('button', { type: 'button', class: 'small' }, 'Edit');
    const submit = h('button', { type: 'button', class: 'small' }, 'Submit for approval');
    const remove = h('button', { type: 'button', class: 'small danger' }, 'Delete');
    edit.addEventListener('click', () => editDraft(o.id, item, message, show));
    submit.addEventListener('click', async () => {
      try {
        await api('POST', `/api/observations/${encodeURIComponent(o.id)}/submit`);
        item.replaceWith(h('li', { role: 'status' }, 'Submitted for approval.'));
      } catch (error) {
        showError(message, error);
      }
    });
    remove.addEventListener('click', () => {
      const sure = h('button', { type: 'button', class: 'small danger' }, 'Yes, delete it');
      const keep = h('button', { type: 'button', class: 'small' }, 'Keep it');
      const ask = h('div', { class: 'confirm inline', role: 'group', 'aria-label': 'Delete this draft?' }, h('span', {}, 'Delete this draft for good?'), sure, keep);
      keep.addEventListener('click', () => {
        ask.replaceWith(actions);
        remove.focus();
      });
      sure.addEventListener('click', async () => {
        try {
          await api('DELETE', `/api/observations/${encodeURIComponent(o.id)}`);
          item.replaceWith(h('li', { role: 'status' }, 'Draft deleted.'));
        } catch (error) {
          showError(message, error);
        }
      });
      actions.replaceWith(ask);
      sure.focus();
    });
    const actions = h('div', { class: 'inline' }, edit, submit, remove);
    const areas = (o.areas || []).map((a) => AREAS[a] || a);
    // A manager returned it for changes: their note stays with the draft until it is submitted again.
    const returned = o.returnNote ? h('p', { class: 'message info return-note' }, h('strong', {}, 'Returned for changes: '), o.returnNote) : null;
    replace(item, returned, h('p', {}, h('strong', {}, formatDay(o.observedOn)), ' ', o.text), areas.length ? h('p', { class: 'muted' }, areas.join(' · ')) : null, actions);
  }
  show(draft);
  return item;
}

/** Edit from the version read now (GET gives the ETag); a 412 means someone else changed it. */
async function editDraft(id, item, message, show, notice = '') {
  const path = `/api/observations/${encodeURIComponent(id)}`;
  let read;
  try {
    read = await api('GET', path, undefined, { withEtag: true });
  } catch (error) {
    showError(message, error);
    return;
  }
  const o = read.data.observation || {};
  const etag = read.etag || o.etag || '';
  const local = statusArea();
  const text = h('textarea', { name: 'text', maxlength: 5000, required: true });
  text.value = o.text || '';
  const nextSteps = h('textarea', { name: 'nextSteps', maxlength: 5000, rows: 3 });
  nextSteps.value = o.nextSteps || '';
  const observedOn = h('input', { type: 'date', name: 'observedOn', required: true, value: o.observedOn || '' });
  const areaBoxes = Object.entries(AREAS).map(([value, label]) => h('label', {}, h('input', { type: 'checkbox', name: 'area', value, checked: (o.areas || []).includes(value) }), label));
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h('form', { novalidate: true, class: 'edit-draft', 'aria-label': 'Edit draft' },
    local,
    field('What did you see?', text),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Areas of learning'), areaBoxes),
    field('Next steps', nextSteps),
    field('Date observed', observedOn),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save changes'), cancel));
  cancel.addEventListener('click', () => {
    show({ ...o, id });
    item.querySelector('button').focus();
  });
  submits(form, local, async () => {
    const areas = [...form.querySelectorAll('input[name=area]:checked')].map((el) => el.value);
    try {
      const saved = await api('PATCH', path, { text: text.value, areas, nextSteps: nextSteps.value, observedOn: observedOn.value }, { headers: { 'If-Match': etag } });
      show(saved.observation);
      showMessage(message, 'Draft saved.', 'info');
      item.querySelector('button').focus();
    } catch (error) {
      if (error.status !== 412) throw error;
      await editDraft(id, item, message, show, 'Someone else changed this draft while you were editing it. We have loaded their version: please make your change again.');
    }
  }, { check: () => (text.value.trim() ? null : [text, 'Please describe what you saw.']) });
  replace(item, form);
  showMessage(message, '');
  if (notice) showMessage(local, notice);
  text.focus();
}
