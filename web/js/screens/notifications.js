// My account: which emails about what is new each person gets, and how often (S40).
// Security notices are not listed: they always go out (S36).

import { api, showError } from '../api.js';
import { field, h, replace, showMessage, statusArea } from '../dom.js';
import { submits } from '../form.js';

const KINDS = {
  entry: 'New entries in your child\u2019s journal',
  comment: 'Comments on your child\u2019s entries',
  moment: 'Moments from home added to the journal',
  progress: 'Two-year checks and reports shared',
  returned: 'Observations returned to you for changes',
  'parent-comment': 'Families\u2019 comments on your observations',
  awaiting: 'Observations waiting for approval',
  'export-closing': 'Leavers whose journal closes within 7 days',
  'journal-closing': 'Your child has left: until when you can read and download the journal',
};
// Notices that name a date go out when they happen, or not at all.
const AT_ONCE = new Set(['journal-closing']);
const MODES = [
  ['off', 'Off'],
  ['immediate', 'Straight away (a few minutes later)'],
  ['daily', 'Daily digest at 18:00'],
  ['weekly', 'Weekly digest, Fridays at 18:00'],
];

export function notificationsCard() {
  const message = statusArea();
  const warning = h('p', { class: 'muted', hidden: true, 'data-undeliverable': '' },
    'Emails to your address could not be delivered, so only security notices are sent until your address changes.');
  const fields = h('div', {}, h('p', {}, 'Loading…'));
  const save = h('button', { type: 'submit' }, 'Save email choices');
  const form = h('form', { novalidate: true, 'aria-label': 'Email choices' }, fields, save);
  let selects = [];

  function show(data) {
    warning.hidden = !data.undeliverable;
    selects = Object.entries(data.choices).map(([kind, mode]) => {
      const modes = AT_ONCE.has(kind) ? MODES.filter(([value]) => value === 'off' || value === 'immediate') : MODES;
      const select = h('select', { name: kind }, modes.map(([value, label]) => h('option', { value }, label)));
      select.value = mode;
      return select;
    });
    replace(fields, selects.map((select) => field(KINDS[select.name] || select.name, select)));
  }

  submits(form, message, async () => {
    const choices = Object.fromEntries(selects.map((select) => [select.name, select.value]));
    show(await api('PUT', '/api/account/notifications', { choices }));
    showMessage(message, 'Your email choices are saved.', 'info');
  });

  api('GET', '/api/account/notifications').then(show, (error) => showError(message, error));
  return h('section', { class: 'card', id: 'notifications' },
    h('h2', {}, 'Emails about what is new'),
    h('p', { class: 'muted' }, 'Security notices, such as a new sign-in or a changed password, always go out.'),
    warning, message, form);
}
