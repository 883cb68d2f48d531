// The cohort report (managers): at an assessment point, for a room and a group, the share of
// children on track per area as a bar chart, the same numbers as a table, the children behind,
// and the CSV and PDF. The choices live in the address (?point=&room=&group=), so a reload or a
// shared link shows the same report. The chart is SVG made here: colours come from classes in
// styles.css (the CSP allows no inline style), bar lengths from SVG attributes.

import { api, failure } from '../api.js';
import { field, h, replace } from '../dom.js';
import { childName } from '../format.js';
import { loadRooms } from '../rooms.js';

const REPORT = '/api/reports/cohort';
const SVG = 'http://www.w3.org/2000/svg';
const CHOICES = ['point', 'room', 'group'];
// The chart's drawing units: each area's name on a line of its own, then its bar (3 units a
// percent) and the figure, so the chart reads the same on a phone as on a desk.
const BAR_SCALE = 3;
const ROW = 50;

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

function chosen() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(CHOICES.map((c) => [c, params.get(c) || '']));
}

function query(choice) {
  const params = new URLSearchParams();
  for (const c of CHOICES) if (choice[c]) params.set(c, choice[c]);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function shareText(area) {
  return area.share === null ? 'not judged' : `${area.share}%`;
}

function changeText(area) {
  if (area.change === null) return area.changeText;
  return `${area.change > 0 ? '+' : ''}${area.change} points`;
}

/** Horizontal bars, one per area: the share on track, with the count beside it. */
function chart(report) {
  const height = report.areas.length * ROW + 6;
  const width = 100 * BAR_SCALE + 125;
  const title = svg('title', { id: 'cohort-chart-title' }, `Share of children on track per area, ${report.point.name}`);
  const rows = report.areas.map((area, i) => {
    const y = i * ROW;
    const length = area.share === null ? 0 : Math.max(area.share * BAR_SCALE, area.share > 0 ? 2 : 0);
    return svg('g', { class: 'cohort-bar', 'data-area': area.id },
      svg('text', { x: 0, y: y + 17, class: 'bar-label' }, area.name),
      svg('rect', { x: 0, y: y + 24, width: 100 * BAR_SCALE, height: 20, class: 'bar-track' }),
      svg('rect', { x: 0, y: y + 24, width: length, height: 20, class: area.behind.length ? 'bar-fill behind' : 'bar-fill' }),
      svg('text', { x: 100 * BAR_SCALE + 8, y: y + 40, class: 'bar-value' },
        area.share === null ? 'not judged' : `${area.share}% (${area.onTrack}/${area.counted})`));
  });
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'cohort-chart-title', class: 'cohort-chart', id: 'cohort-chart' },
    title, ...rows);
}

function cell(label, value) {
  return h('td', {}, h('span', { class: 'cell-label' }, label), value);
}

function table(report) {
  const since = report.previousPoint ? `Change since ${report.previousPoint.name}` : 'Change';
  const heads = ['Area', 'On track', 'Counted', 'Share', since, 'Not yet on track'];
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': 'The numbers as a table' },
    h('table', { class: 'cohort-table', id: 'cohort-table' },
      h('caption', {}, `On track per area: ${report.point.name}, ${report.room ? report.room.name : 'all rooms'}, ${report.group.name.toLowerCase()}`),
      h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, report.areas.map((area) => h('tr', { 'data-area': area.id },
        h('th', { scope: 'row' }, area.name),
        cell('On track', h('span', { class: 'on-track' }, String(area.onTrack))),
        cell('Counted', h('span', { class: 'counted' }, String(area.counted))),
        cell('Share', h('span', { class: 'share' }, shareText(area))),
        cell(since, h('span', { class: 'change' }, changeText(area))),
        cell('Not yet on track', h('span', { class: 'behind' }, area.behind.length ? area.behind.map(childName).join(', ') : '–')))))));
}

function downloads(choice) {
  const q = query(choice);
  return h('p', { class: 'actions no-print' },
    h('a', { href: `${REPORT}/csv${q}`, download: 'cohort-report.csv', class: 'button' }, 'Download CSV'),
    ' ',
    h('a', { href: `${REPORT}/pdf${q}`, download: 'cohort-report.pdf', class: 'button' }, 'Download PDF'));
}

function report(data, choice) {
  const counts = h('p', { id: 'cohort-counts' },
    `${data.withFinalJudgements} of ${data.children} children have final judgements at ${data.point.name}.`,
    data.previousPoint ? ` Changes are since ${data.previousPoint.name}.` : ' This is the first point: no previous point to compare.');
  return h('div', {}, counts, h('figure', { class: 'cohort-figure' }, chart(data)), table(data), downloads(choice));
}

function select(name, options, value) {
  const element = h('select', { name }, options.map(([id, label]) => h('option', { value: id }, label)));
  if (options.some(([id]) => id === value)) element.value = value;
  return element;
}

export function cohortScreen() {
  const choices = h('form', { class: 'cohort-choices no-print', 'aria-label': 'Choose the report' });
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  let choice = chosen();
  async function load() {
    try {
      return await api('GET', `${REPORT}${query(choice)}`);
    } catch (error) {
      // A choice in the address that no longer exists (a retired room, a renamed point): say so,
      // and offer the report that always exists.
      replace(body, failure(error), h('p', {}, h('a', { href: '/reports/cohort' }, 'Show today’s report for all children')));
      return null;
    }
  }
  function remember() {
    const url = new URL(location.href);
    url.search = query(choice);
    history.replaceState(history.state, '', url.pathname + url.search);
  }
  Promise.all([api('GET', '/api/assessment-plan'), loadRooms(), load()]).then(([plan, rooms, data]) => {
    if (!data) return;
    const points = select('point', plan.plan.points.map((p) => [p.id, p.name]), data.point.id);
    const room = select('room', [['', 'All rooms'], ...(rooms.rooms || []).filter((r) => !r.retired).map((r) => [r.id, r.name])], choice.room);
    const group = select('group', data.groups.map((g) => [g.id, g.name]), data.group.id);
    for (const element of [points, room, group]) {
      element.addEventListener('change', async () => {
        choice = { point: points.value, room: room.value, group: group.value === 'all' ? '' : group.value };
        remember();
        const again = await load();
        if (again) replace(body, report(again, choice));
      });
    }
    replace(choices, field('Assessment point', points), field('Room', room), field('Group', group));
    replace(body, report(data, choice));
  }, (error) => replace(body, failure(error)));
  return h('section', { class: 'card cohort' },
    h('h1', {}, 'Cohort report'),
    h('p', { class: 'hint' }, 'How many children are on track in each area, from final judgements only. A child counts in an area once every aspect of it is judged.'),
    choices, body);
}
