// Clean URLs with the history API: /activate, /children/abc. The server answers every page-like
// path with index.html, so deep links and reloads work.

const routes = [];
let render = () => {};

/** Register `pattern` such as '/children/:id'; `screen(params)` renders it. */
export function route(pattern, screen, options = {}) {
  const keys = [];
  const source = pattern.replace(/:(\w+)/g, (_, key) => {
    keys.push(key);
    return '([^/]+)';
  });
  routes.push({ regex: new RegExp(`^${source}/?$`), keys, screen, options });
}

export function match(path) {
  for (const entry of routes) {
    const found = entry.regex.exec(path);
    if (found) {
      const params = {};
      entry.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(found[index + 1]);
      });
      return { ...entry, params };
    }
  }
  return null;
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render(location.pathname);
}

/** Follow same-origin links without reloading; `onRender(path)` draws the screen. */
export function start(onRender) {
  render = onRender;
  window.addEventListener('popstate', () => render(location.pathname));
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  render(location.pathname);
}
