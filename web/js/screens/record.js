// Managers: one child's record — leaving (archive with a leaving date, restore) and legal holds.
//
// GET /api/children/{id} says whether the child is archived; the leaving date and any legal hold
// come only in the answers of archive, restore and hold. Until one of those has answered on this
// screen, the hold's state is "not known here" and both hold actions are offered (placing again
// re-words a hold; lifting when there is none is refused kindly by the server).

import { api, explain, failure } from '../api.js';
import { field, formatDate, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { childName } from '../format.js';
import { submits } from '../form.js';
import { detailsSection, roomSection } from './rooms_child.js';

function today() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

function row(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, value)];
}

export function childRecordScreen({ id }) {
  const path = `/api/children/${encodeURIComponent(id)}`;
  const heading = h('h1', {}, 'Child’s record');
  const message = statusArea('info');
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  // What this screen knows: from GET (archived) and, once an action answered, the Leaver view.
  let child = null;
  let leaver = null;

  function say(text, kind = 'info') {
    showMessage(message, text, kind);
    if (text) message.scrollIntoView({ block: 'nearest' });
  }

  /** Apply an answer of archive, restore or hold (a Leaver view) and say what it did. */
  function applied(answer, done) {
    leaver = answer;
    child = { ...child, archived: leaver.status === 'archived', etag: leaver.etag };
    draw();
    say(done);
  }

  async function act(call, done) {
    try {
      applied(await call(), done);
    } catch (error) {
      say(explain(error), 'error');
    }
  }

  function statusList() {
    const archived = leaver ? leaver.status === 'archived' : Boolean(child.archived);
    const items = [
      row('Born', formatDay(child.dateOfBirth)),
      row('Status', archived ? h('span', { class: 'badge warn' }, 'Archived (has left)') : h('span', { class: 'badge' }, 'Active')),
    ];
    if (leaver && leaver.leavingDate) items.push(row('Leaving date', formatDay(leaver.leavingDate)));
    if (leaver && leaver.archivedAt) items.push(row('Archived on', formatDate(leaver.archivedAt)));
    if (leaver) {
      items.push(row('Legal hold', leaver.legalHold ? [h('span', { class: 'badge warn' }, 'On hold'), ' ', leaver.legalHold.reason] : 'None'));
    }
    return h('dl', { class: 'facts' }, items);
  }

  function archiveForm() {
    const date = h('input', { type: 'date', name: 'leavingDate', required: true, value: today() });
    const form = h('form', { novalidate: true },
      h('p', {}, 'When a child leaves, their record becomes read-only and practitioners no longer see it. Linked parents can still read and download the journal for the export window set in Privacy and retention, and are e-mailed the day it closes.'),
      field('Leaving date', date, 'Within a year of today.'),
      h('button', { type: 'submit', class: 'danger' }, 'Archive this child'));
    submits(form, message, async () => {
      applied(await api('POST', `${path}/archive`, { leavingDate: date.value }), 'Archived. Any linked parents have been e-mailed the day their access ends.');
    }, { check: () => (date.value ? null : [date, 'Please choose the leaving date.']) });
    return h('details', { class: 'panel' }, h('summary', {}, 'Archive (the child has left)'), form);
  }

  function restoreButton() {
    const button = h('button', { type: 'button' }, 'Restore to active');
    button.addEventListener('click', () => act(() => api('POST', `${path}/restore`), 'Restored. The child is active again. Families whose access has already ended need linking again on the Parents page.'));
    return h('div', { class: 'panel' }, h('p', {}, 'Restoring makes the record active again, unless it is already past retention.'), button);
  }

  function holdForm(held) {
    const reason = h('textarea', { name: 'reason', maxlength: 500, rows: 3, required: true });
    if (held) reason.value = leaver.legalHold.reason || '';
    const form = h('form', { novalidate: true },
      field('Reason for the hold', reason, 'For example a safeguarding review or a legal claim. Kept on the record, not in the audit log.'),
      h('button', { type: 'submit', class: 'primary' }, held ? 'Update the hold' : 'Place legal hold'));
    submits(form, message, async () => {
      applied(await api('POST', `${path}/hold`, { reason: reason.value }), 'Legal hold placed. Nothing of this child will be deleted while it stands.');
    }, { check: () => (reason.value.trim() ? null : [reason, 'Please give a reason for the hold.']) });
    return form;
  }

  function holdSection() {
    const known = leaver !== null;
    const held = known && Boolean(leaver.legalHold);
    const lift = h('button', { type: 'button', class: 'danger' }, 'Lift legal hold');
    lift.addEventListener('click', () => act(() => api('DELETE', `${path}/hold`), 'Legal hold lifted. The usual retention applies again.'));
    return h('section', { class: 'panel', 'aria-labelledby': 'hold-heading' },
      h('h2', { id: 'hold-heading' }, 'Legal hold'),
      h('p', { class: 'muted' }, 'While a hold stands, nothing of this child is deleted, even after the retention period.'),
      known ? null : h('p', { class: 'hint' }, 'Whether a hold stands shows here after a change on this page.'),
      !known || !held ? h('details', { open: held ? null : known }, h('summary', {}, known ? 'Place a legal hold' : 'Place or update a legal hold'), holdForm(false)) : holdForm(true),
      !known || held ? h('div', { class: 'actions' }, lift) : null);
  }

  function draw() {
    heading.textContent = `${childName(child)}’s record`;
    const archived = leaver ? leaver.status === 'archived' : Boolean(child.archived);
    replace(body,
      statusList(),
      h('p', {}, h('a', { href: `/children/${encodeURIComponent(id)}` }, 'Open the journal'), ' (and download it)'),
      roomSection(id),
      detailsSection(id),
      h('h2', {}, 'Leaving'),
      archived ? restoreButton() : archiveForm(),
      holdSection());
  }

  api('GET', path).then(
    (data) => {
      child = data;
      draw();
    },
    (error) => replace(body, failure(error)),
  );
  return h('section', { class: 'card' }, h('p', {}, h('a', { href: '/manage/children' }, '← All children’s records')), heading, message, body);
}
