// Screens whose API is still being built: each asks its route, and says plainly when it is not
// there yet instead of showing made-up data.

import { api } from '../api.js';
import { h, replace } from '../dom.js';

export function notAvailable(what) {
  return h(
    'div',
    { class: 'message info', role: 'status', dataset: { state: 'not-available' } },
    h('strong', {}, 'Not available yet. '),
    `${what} is still being built and will appear here soon.`,
  );
}

export function failure(error) {
  return h('p', { class: 'message error', role: 'alert' }, error.message);
}

/**
 * A screen body that loads `path` and draws it with `draw(data)`; while the route does not exist,
 * it shows the "not available yet" state.
 */
export function loading(path, what, draw) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', path).then(
    (data) => replace(body, draw(data)),
    (error) => {
      if (error.status === 401) return;
      replace(body, error.notAvailable ? notAvailable(what) : failure(error));
    },
  );
  return body;
}
