// The aspects (early learning goals) of the setting's framework, picked in the new-observation
// form: one group per area, each aspect a checkbox; the server adds each aspect's area.

import { api } from '../api.js';
import { h, replace } from '../dom.js';

/** A fieldset that fills itself from GET /api/framework; `picked()` gives the chosen aspect ids. */
export function aspectPicker() {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading the framework…'));
  const legend = h('legend', {}, 'Aspects (early learning goals)');
  const element = h('fieldset', { class: 'checks aspects' }, legend, body);
  api('GET', '/api/framework').then(
    (framework) => {
      legend.textContent = `Aspects of ${framework.name}`;
      replace(body, framework.areas.map((area) => h('details', {},
        h('summary', {}, area.name),
        area.aspects.map((aspect) => h('label', {}, h('input', { type: 'checkbox', name: 'aspect', value: aspect.id }), aspect.name)))));
    },
    () => replace(body, h('p', { class: 'muted' }, 'The framework could not be loaded; areas alone are fine.')),
  );
  const picked = () => [...element.querySelectorAll('input[name=aspect]:checked')].map((el) => el.value);
  return { element, picked };
}
