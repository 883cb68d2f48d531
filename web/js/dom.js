// Building the page from elements: every piece of text goes through textContent, so a name
// such as <img src=x onerror=...> is shown literally and never parsed as markup.

const BLOCKED_ATTRIBUTES = /^(on|style$|srcdoc$)/i;

/**
 * h('p', {class: 'note'}, 'Hello ', name) -> <p class="note">Hello …</p>
 * Attributes are set with setAttribute (event handler attributes are refused); `on` takes
 * listeners; strings and numbers become text nodes; null/false children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'on') {
      for (const [event, listener] of Object.entries(value)) element.addEventListener(event, listener);
    } else if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (BLOCKED_ATTRIBUTES.test(name)) {
      throw new Error(`refusing to set the ${name} attribute`);
    } else if (name === 'href' || name === 'src') {
      element.setAttribute(name, safeUrl(String(value)));
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** Only same-origin paths, blob: previews and http(s) URLs (photos' SAS links) may be linked. */
export function safeUrl(url) {
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  if (/^(https?:|blob:)/i.test(url)) return url;
  return '#';
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const parts = [h('label', { for: id }, label)];
  if (hint) {
    const hintId = `${id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    parts.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  parts.push(input);
  return h('div', { class: 'field' }, parts);
}

/** A message area that screen readers announce when its text changes. */
export function statusArea(kind = 'error') {
  const role = kind === 'error' ? 'alert' : 'status';
  return h('div', { class: `message ${kind}`, role, hidden: true });
}

export function showMessage(area, text, kind) {
  if (kind) area.className = `message ${kind}`;
  area.textContent = text || '';
  area.hidden = !text;
}

export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleDateString('en-GB', { dateStyle: 'medium' });
}
