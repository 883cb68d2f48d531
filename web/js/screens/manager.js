// Managers: approvals, staff, parents and children's records, the setting's policy, the audit log.

import { api, failure, loading, showError } from '../api.js';
import { formDialog } from '../dialog.js';
import { field, formatDate, formatDay, h, replace, showMessage, statusArea } from '../dom.js';
import { childName } from '../format.js';
import { submits } from '../form.js';
import { byRoom } from '../rooms.js';
import { entryView } from './parent.js';

function card(title, ...children) {
  return h('section', { class: 'card' }, h('h1', {}, title), children);
}

/**
 * A table that stacks each row as a card of labelled lines on a phone (styles.css). The explicit
 * roles keep it a table for screen readers when the stacked layout changes the elements' display.
 */
function table(caption, headings, rows) {
  const head = h('thead', { role: 'rowgroup' }, h('tr', { role: 'row' }, headings.map((t) => h('th', { scope: 'col', role: 'columnheader' }, t))));
  // The phone's line label is hidden from assistive technology: the column header already names it.
  const cell = (content, heading) => h('td', { role: 'cell' }, heading ? h('span', { class: 'cell-label', 'aria-hidden': 'true' }, heading) : null, h('div', {}, content));
  const body = h('tbody', { role: 'rowgroup' }, rows.map((cells) => h('tr', { role: 'row' }, cells.map((c, i) => cell(c, headings[i])))));
  return h(
    'div',
    { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { role: 'table' }, h('caption', { class: 'muted' }, caption), head, body),
  );
}

/** Run a change; show the API's own message if it is refused, then redraw. */
function acting(message, redraw) {
  return async (call) => {
    try {
      await call();
      showMessage(message, '');
      redraw();
    } catch (error) {
      showError(message, error);
    }
  };
}

function small(label, onClick) {
  return h('button', { type: 'button', class: 'small', on: { click: onClick } }, label);
}

const STATUS = { invited: 'Invited', active: 'Active', deactivated: 'Deactivated' };

/**
 * S34, "lost my phone": approve a reset of someone's strong sign-in, or withdraw one that waits.
 * The manager never sees the person's factors; the owner is told and has 24 hours to stop it.
 */
function signInReset(person, message, redraw) {
  const path = `/api/people/${encodeURIComponent(person.id)}/sign-in-reset`;
  if (person.signInResetAt) {
    return h('span', { class: 'inline' },
      h('span', { class: 'muted' }, `Sign-in reset from ${formatDate(person.signInResetAt)}`),
      h('button', { type: 'button', class: 'small', 'aria-label': `Cancel the sign-in reset of ${person.name}`, on: { click: () => acting(message, redraw)(() => api('DELETE', path)) } }, 'Cancel reset'));
  }
  if (person.status !== 'active') return null;
  return h('button', { type: 'button', class: 'small', 'aria-label': `Reset strong sign-in of ${person.name}`, on: { click: () => {
    formDialog(`Reset ${person.name}’s strong sign-in?`, [
      h('p', {}, 'For someone who has lost their phone or security key. Their passkeys, authenticator app and recovery codes stop working 24 hours from now, at their next sign-in with password and PIN.'),
      h('p', {}, 'We e-mail them now, and they can cancel it if they did not ask for it.'),
    ], 'Reset in 24 hours', async () => {
      const answer = await api('POST', path);
      showMessage(message, `${person.name} has been e-mailed. The reset takes effect from ${formatDate(answer.takesEffectAt)}.`, 'info');
      redraw();
    });
  } } }, 'Reset sign-in');
}

export function approvalsScreen() {
  const message = statusArea();
  const kids = api('GET', '/api/children');
  const body = byRoom('/api/observations?status=submitted', async (data) => {
    const names = new Map(((await kids).children || []).map((c) => [c.id, childName(c)]));
    const items = data.observations || [];
    if (items.length === 0) return h('p', {}, 'Nothing is waiting. Well done!');
    return h('div', {}, items.map((o) => approvalItem(o, names, message)));
  });
  return card('Waiting for approval', message, body);
}

/**
 * One submitted observation: Publish sends the version shown here (If-Match), so a change made
 * since is refused (412) and reloaded rather than published unseen; Return sends it back to its
 * author with a note.
 */
function approvalItem(o, names, message) {
  const path = `/api/observations/${encodeURIComponent(o.id)}`;
  const publish = h('button', { type: 'button', class: 'primary' }, 'Publish');
  const back = h('button', { type: 'button' }, 'Return for changes');
  const children = (o.childIds || []).map((id) => ({ name: names.get(id) || 'A child' }));
  const actions = h('div', { class: 'actions' }, publish, back);
  const view = h('div', { class: 'approval' }, entryView({ ...o, children }, { withComments: false }), actions);
  const done = (text) => view.replaceWith(h('p', { class: 'message info', role: 'status' }, text));
  publish.addEventListener('click', async () => {
    try {
      await api('POST', `${path}/publish`, undefined, { headers: { 'If-Match': o.etag || '' } });
      done('Published to the families’ journals.');
    } catch (error) {
      if (error.status === 412 || error.status === 428) return reloadApproval(view, path, names, message);
      showError(message, error);
    }
  });
  back.addEventListener('click', () => {
    const note = h('textarea', { name: 'note', rows: 3, maxlength: 1000, required: true });
    const local = statusArea();
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const form = h('form', { novalidate: true, class: 'return-note', 'aria-label': 'Return for changes' }, local,
      field('What should the author change?', note, 'The author sees this note with their draft.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Return to author'), cancel));
    cancel.addEventListener('click', () => {
      form.replaceWith(actions);
      back.focus();
    });
    submits(form, local, async () => {
      try {
        await api('POST', `${path}/return`, { note: note.value }, { headers: { 'If-Match': o.etag || '' } });
      } catch (error) {
        if (error.status !== 412 && error.status !== 428) throw error;
        return reloadApproval(view, path, names, message);
      }
      done('Returned to the author with your note.');
    }, { check: () => (note.value.trim() ? null : [note, 'Write a note for the author.']) });
    actions.replaceWith(form);
    note.focus();
  });
  return view;
}

/** Someone changed the observation while it was on screen: show the current version instead. */
async function reloadApproval(view, path, names, message) {
  try {
    const { data, etag } = await api('GET', path, undefined, { withEtag: true });
    const current = data.observation || {};
    const fresh = { ...current, childIds: (current.children || []).map((c) => c.id).filter(Boolean), etag };
    const again = approvalItem(fresh, names, message);
    view.replaceWith(again);
    showMessage(message, 'This observation changed while you were reading it. Here is the current version: check it again.', 'info');
  } catch (error) {
    showError(message, error);
  }
}

export function staffScreen() {
  const message = statusArea();
  const body = h('div', {});
  const act = acting(message, draw);
  function draw() {
    replace(body, loading('/api/staff', (data) => table('Staff of this setting', ['Name', 'E-mail', 'Role', 'Status', ''], (data.staff || []).map((p) => [
      p.name, p.email, p.role === 'manager' ? 'Manager' : 'Practitioner', STATUS[p.status] || p.status,
      h('div', { class: 'inline' },
        h('button', { type: 'button', class: 'small', 'aria-label': `Change ${p.name}`, on: { click: () => editStaff(p) } }, 'Change'),
        p.status === 'active' ? small('Deactivate', () => act(() => api('POST', `/api/staff/${encodeURIComponent(p.id)}/deactivate`))) : null,
        p.status === 'deactivated' ? small('Reactivate', () => act(() => api('POST', `/api/staff/${encodeURIComponent(p.id)}/reactivate`))) : null,
        p.status === 'invited' ? small('Send a new link', () => act(() => api('POST', `/api/staff/${encodeURIComponent(p.id)}/invitation`))) : null,
        signInReset(p, message, draw)),
    ]))));
  }
  function editStaff(person) {
    const newName = h('input', { name: 'name', required: true, autocomplete: 'off', maxlength: 100, value: person.name });
    const newRole = h('select', { name: 'role' }, h('option', { value: 'practitioner', selected: person.role === 'practitioner' }, 'Practitioner'), h('option', { value: 'manager', selected: person.role === 'manager' }, 'Manager'));
    formDialog(`Change ${person.name}`, [field('Name', newName), field('Role', newRole, 'A new role applies from their next click.')], 'Save changes', async () => {
      const changes = {};
      if (newName.value.trim() !== person.name) changes.name = newName.value.trim();
      if (newRole.value !== person.role) changes.role = newRole.value;
      if (Object.keys(changes).length) await api('PATCH', `/api/staff/${encodeURIComponent(person.id)}`, changes);
      showMessage(message, Object.keys(changes).length ? 'Saved.' : 'Nothing was changed.', 'info');
      draw();
    });
  }
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' });
  const role = h('select', { name: 'role' }, h('option', { value: 'practitioner' }, 'Practitioner'), h('option', { value: 'manager' }, 'Manager'));
  const form = h('form', { novalidate: true }, field('Name', name), field('E-mail address', email), field('Role', role), h('button', { type: 'submit', class: 'primary' }, 'Send invitation'));
  submits(form, message, async () => {
    await api('POST', '/api/staff', { name: name.value, email: email.value, role: role.value });
    form.reset();
    draw();
  });
  draw();
  return card('Staff', message, body, h('details', {}, h('summary', {}, 'Invite a member of staff'), form));
}

/** S38: a requested address shows as waiting until it is confirmed from that address. */
function emailCell(person) {
  // S40: a permanent delivery failure stops every mail but security notices until the address changes.
  if (person.undeliverable) return h('span', {}, person.email, h('br'), h('span', { class: 'badge' }, 'Undeliverable'));
  if (!person.pendingEmail) return person.email;
  return h('span', {}, person.email, h('br'), h('span', { class: 'muted' }, `Waiting for ${person.pendingEmail} to confirm`));
}

export function parentsScreen() {
  const message = statusArea();
  const body = h('div', {});
  const act = acting(message, draw);
  let children = [];
  function draw() {
    replace(body, loading('/api/parents', (data) => table('Parents and their children', ['Name', 'E-mail', 'Status', 'Children', ''], (data.parents || []).map((p) => [
      p.name, emailCell(p), STATUS[p.status] || p.status,
      h('ul', { class: 'list' }, (p.childIds || []).map((id) => {
        const child = children.find((c) => c.id === id);
        return h('li', { class: 'inline' }, child ? childName(child) : 'A child', small('Unlink', () => act(() => api('DELETE', `/api/parents/${encodeURIComponent(p.id)}/children/${encodeURIComponent(id)}`))));
      })),
      h('div', { class: 'inline' },
        h('button', { type: 'button', class: 'small', 'aria-label': `Change e-mail address of ${p.name}`, on: { click: () => changeEmail(p) } }, 'Change e-mail'),
        p.status !== 'deactivated' ? h('button', { type: 'button', class: 'small', 'aria-label': `Link ${p.name} to another child`, on: { click: () => linkChild(p) } }, 'Link a child') : null,
        p.status !== 'deactivated' ? small('Deactivate', () => act(() => api('POST', `/api/parents/${encodeURIComponent(p.id)}/deactivate`))) : null,
        signInReset(p, message, draw)),
    ]))));
  }
  function changeEmail(person) {
    const address = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off', value: person.email });
    const check = () => (address.value.trim() ? null : [address, 'Please enter the new e-mail address.']);
    formDialog(`Change ${person.name}’s e-mail address`, [field('New e-mail address', address, 'The new address gets a link to confirm the change with their password; until then nothing changes, and the current address is told.')], 'Change e-mail address', async () => {
      await api('PATCH', `/api/parents/${encodeURIComponent(person.id)}`, { email: address.value.trim() });
      showMessage(message, `${person.name} has been sent a link to confirm the new address.`, 'info');
      draw();
    }, { check });
  }
  function linkChild(person) {
    const others = children.filter((c) => !(person.childIds || []).includes(c.id));
    if (others.length === 0) {
      showMessage(message, `${person.name} is already linked to every child.`, 'info');
      return;
    }
    const choice = h('select', { name: 'child', required: true }, others.map((c) => h('option', { value: c.id }, childName(c))));
    formDialog(`Link ${person.name} to another child`, [field('Child', choice, 'They see this child’s journal from their next click.')], 'Link child', async () => {
      await api('POST', `/api/parents/${encodeURIComponent(person.id)}/children/${encodeURIComponent(choice.value)}`);
      const picked = others.find((c) => c.id === choice.value);
      showMessage(message, `${person.name} can now see ${childName(picked)}’s journal.`, 'info');
      draw();
    });
  }
  const name = h('input', { name: 'name', required: true, autocomplete: 'off' });
  const email = h('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' });
  const boxes = h('fieldset', { class: 'checks' }, h('legend', {}, 'Their children'));
  const form = h('form', { novalidate: true }, field('Name', name), field('E-mail address', email), boxes, h('button', { type: 'submit', class: 'primary' }, 'Send invitation'));
  submits(form, message, async () => {
    const childIds = [...boxes.querySelectorAll('input:checked')].map((el) => el.value);
    await api('POST', '/api/parents', { name: name.value, email: email.value, childIds });
    form.reset();
    showMessage(message, '');
    draw();
  });
  api('GET', '/api/children').then(
    (data) => {
      children = (data.children || []).filter((c) => !c.archived);
      boxes.append(...children.map((c) => h('label', {}, h('input', { type: 'checkbox', name: 'childIds', value: c.id }), childName(c))));
      draw();
    },
    (error) => replace(body, failure(error)),
  );
  return card('Parents', message, body, h('details', {}, h('summary', {}, 'Invite a parent'), form));
}

export function childrenAdminScreen() {
  const message = statusArea();
  const body = h('div', {});
  const act = acting(message, draw);
  function consent(child, key, label) {
    const box = h('input', { type: 'checkbox', checked: Boolean(child[key]), 'aria-label': `${label} for ${childName(child)}` });
    box.addEventListener('change', () => act(() => api('PATCH', `/api/children/${encodeURIComponent(child.id)}`, { [key]: box.checked }, { headers: { 'If-Match': child.etag } })));
    return box;
  }
  function draw() {
    replace(body, loading('/api/children', (data) => table('Children and photo consent (own journal; group observations in other children’s journals)', ['Name', 'Born', 'Photos: own', 'Photos: group'], (data.children || []).map((c) => [
      h('span', {}, h('a', { href: `/manage/children/${encodeURIComponent(c.id)}` }, childName(c)), c.archived ? ' (archived)' : null), formatDay(c.dateOfBirth),
      consent(c, 'photosInOwnJournal', 'Photos in own journal'), consent(c, 'photosInOthersJournals', 'Photos in others’ journals'),
    ]))));
  }
  const first = h('input', { name: 'firstName', required: true, autocomplete: 'off' });
  const last = h('input', { name: 'lastName', required: true, autocomplete: 'off' });
  const born = h('input', { name: 'dateOfBirth', type: 'date', required: true });
  const own = h('input', { type: 'checkbox', name: 'photosInOwnJournal' });
  const others = h('input', { type: 'checkbox', name: 'photosInOthersJournals' });
  const form = h('form', { novalidate: true }, field('First name', first), field('Last name', last), field('Date of birth', born),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Photo consent from the family'), h('label', {}, own, 'Photos in their own journal'), h('label', {}, others, 'Photos in other children’s journals')),
    h('button', { type: 'submit', class: 'primary' }, 'Add child'));
  submits(form, message, async () => {
    await api('POST', '/api/children', { firstName: first.value, lastName: last.value, dateOfBirth: born.value, photosInOwnJournal: own.checked, photosInOthersJournals: others.checked });
    form.reset();
    draw();
  });
  draw();
  return card('Children’s records', message, body, h('details', {}, h('summary', {}, 'Add a child'), form));
}

const OTHER_CHILDREN = { initials: 'Initials only', hidden: '“A friend”' };
const DAYS = {
  retentionDays: 'Keep a leaver’s records for (days)',
  deactivatedRetentionDays: 'Keep a deactivated account for (days)',
  auditRetentionDays: 'Keep the audit log for (days)',
  exportWindowDays: 'An export link works for (days)',
};

export function policyScreen() {
  const message = statusArea();
  const body = h('div', {});
  function draw() {
    replace(body, loading('/api/setting', (setting) => policyForm(setting, message, draw)));
  }
  draw();
  return card('Privacy and retention', message, body);
}

// The guidance frameworks a setting may choose (shared/domain/data/frameworks/).
const FRAMEWORKS = { 'development-matters': 'Development Matters', 'birth-to-5-matters': 'Birth to 5 Matters' };

function policyForm(setting, message, redraw) {
  const policy = setting.policy || {};
  const others = h('select', { name: 'otherChildren' }, Object.entries(OTHER_CHILDREN).map(([value, label]) => h('option', { value, selected: policy.otherChildren === value }, label)));
  const approval = h('input', { type: 'checkbox', name: 'approvalRequired', checked: Boolean(policy.approvalRequired) });
  const keyOnly = h('input', { type: 'checkbox', name: 'keyChildrenOnly', checked: Boolean(policy.keyChildrenOnly) });
  const framework = h('select', { name: 'framework' }, Object.entries(FRAMEWORKS).map(([value, label]) => h('option', { value, selected: (policy.framework || 'development-matters') === value }, label)));
  const days = Object.entries(DAYS).map(([key, label]) => [key, field(label, h('input', { type: 'number', name: key, min: 1, value: policy[key] ?? '' }))]);
  const strong = strongSignInFields(policy);
  const form = h('form', { novalidate: true },
    h('p', {}, h('strong', {}, setting.name || '')),
    field('How parents see other children in group observations', others),
    h('fieldset', { class: 'checks' }, h('legend', {}, 'Observations'), h('label', {}, approval, 'A manager approves observations before families see them'), h('label', {}, keyOnly, 'Practitioners see only their key children')),
    field('Guidance framework staff link observations to', framework),
    days.map(([, element]) => element),
    strong.fieldset,
    h('button', { type: 'submit', class: 'primary' }, 'Save policy'));
  submits(form, message, async () => {
    const changes = { otherChildren: others.value, approvalRequired: approval.checked, keyChildrenOnly: keyOnly.checked, framework: framework.value };
    for (const [key] of days) changes[key] = Number(form.elements.namedItem(key).value);
    Object.assign(changes, strong.values());
    await api('PATCH', '/api/setting', changes, { headers: { 'If-Match': setting.etag || '' } });
    showMessage(message, 'Saved.', 'info');
    redraw();
  });
  return form;
}

/** S34: who must use strong sign-in (an authenticator app or passkey), and the grace to set it up. */
function strongSignInFields(policy) {
  const managers = h('input', { type: 'checkbox', name: 'strongSignInManagers', checked: Boolean(policy.strongSignInManagers) });
  const staff = h('input', { type: 'checkbox', name: 'strongSignInStaff', checked: Boolean(policy.strongSignInStaff) });
  const grace = h('input', { type: 'number', name: 'strongSignInGraceDays', min: 0, max: 7, value: policy.strongSignInGraceDays ?? 7 });
  const fieldset = h('fieldset', { class: 'checks' }, h('legend', {}, 'Strong sign-in'),
    h('label', {}, managers, 'Managers must use an authenticator app or passkey'),
    h('label', {}, staff, 'All staff must use one'),
    field('Days to set it up after being asked (0 to 7)', grace));
  return {
    fieldset,
    values: () => ({ strongSignInManagers: managers.checked, strongSignInStaff: staff.checked, strongSignInGraceDays: Number(grace.value) }),
  };
}

export function auditScreen() {
  const message = statusArea();
  const results = h('div', {});
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const actor = h('input', { name: 'actor', autocomplete: 'off' });
  const action = h('input', { name: 'action', autocomplete: 'off' });
  const form = h('form', { novalidate: true, class: 'filters' }, field('From', from), field('To', to), field('Person (user id)', actor), field('Action', action, 'For example account.deactivate'), h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show')));
  function show(cursor) {
    const query = new URLSearchParams();
    for (const [key, input] of [['from', from], ['to', to], ['actor', actor], ['action', action]]) if (input.value) query.set(key, input.value);
    if (cursor) query.set('cursor', cursor);
    replace(results, loading(`/api/audit?${query}`, (data) => h('div', {},
      table('Newest first', ['When', 'Who', 'What', 'About', 'Outcome'], (data.events || []).map((e) => [formatDate(e.at), e.actor, e.action, e.target, e.outcome])),
      data.cursor ? h('div', { class: 'actions' }, small('Older entries', () => show(data.cursor))) : null)));
  }
  submits(form, message, () => show(null));
  show(null);
  return card('Audit log', message, form, results, verifyPanel());
}

/** The log's hash chain (S41): a manager can check that no entry was changed or removed. */
function verifyPanel() {
  const result = h('p', { role: 'status', class: 'chain-result' });
  const check = h('button', { type: 'button' }, 'Verify the log');
  check.addEventListener('click', async () => {
    check.disabled = true;
    result.className = 'chain-result';
    result.textContent = 'Checking…';
    try {
      const report = await api('GET', '/api/audit/verify');
      if (report.intact) {
        result.className = 'chain-result message info';
        result.textContent = `Intact: all ${report.checked} entries are as they were written, and they match the sealed archive copy.`;
      } else if (!report.firstBroken && report.archive && report.archive.firstDisagreeing) {
        const where = report.archive.firstDisagreeing;
        const when = where.at ? ` (${formatDate(where.at)})` : '';
        result.className = 'chain-result message error';
        result.textContent = `Does not match the sealed archive: entry ${where.seq}${when} was changed, removed or added outside the app. Keep this page and contact support.`;
      } else {
        const where = report.firstBroken || {};
        const when = where.at ? ` (${formatDate(where.at)})` : '';
        result.className = 'chain-result message error';
        result.textContent = `Broken: entry ${where.seq}${when} or the one before it was changed or removed outside the app. Keep this page and contact support.`;
      }
    } catch (error) {
      result.textContent = '';
      showError(result, error);
    }
    check.disabled = false;
  });
  return h('div', { class: 'actions verify' }, check, result);
}
