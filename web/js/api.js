// Every call to the API goes through here: same-origin credentials only (the HttpOnly session
// cookie is sent by the browser; scripts never see it), one error shape, and 401s handled here
// alone. Screens never test for 401: an authenticated call whose session has ended hands the user
// to the sign-in page (which brings them back afterwards) and never settles, so no screen code
// runs for a page that is gone.

import { h, replace, showMessage } from './dom.js';

export class ApiError extends Error {
  constructor(status, code, message, { field = null, retryAfter = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

const listeners = { signedOut: () => {}, active: () => {}, stepUp: () => Promise.reject(new ApiError(403, 'step_up_required', '')) };

/**
 * `signedOut(error)` runs when an authenticated call answers 401; `active(sentAt)` after each success,
 * with the time the request left (the server counts activity from when it arrived); `stepUp(error)`
 * when a call needs the user to confirm it is them (S35): it resolves once they have (the call is
 * then sent again, once) and rejects if they cancel.
 */
export function listen(handlers) {
  Object.assign(listeners, handlers);
}

const OFFLINE = 'We could not reach the journal. Please check your connection and try again.';
const UNKNOWN = 'Something went wrong. Please try again in a moment.';

function sessionEnded(error) {
  listeners.signedOut(error);
  return new Promise(() => {});
}

/**
 * Call the API with a JSON body (or none). `anonymous` calls (sign-in, links) may answer 401 as an
 * ordinary ApiError; for every other call a 401 means the session has ended (see above). With
 * `withEtag` the answer is `{ data, etag }`, the ETag header being what a later If-Match sends.
 */
export async function api(method, path, body, { anonymous = false, headers = {}, withEtag = false, retried = false } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const sent = Date.now();
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'offline', OFFLINE);
  }
  const data = await response.json().catch(() => null);
  if (response.ok) {
    if (!anonymous) listeners.active(sent);
    if (withEtag) return { data: data || {}, etag: response.headers.get('ETag') };
    return data || {};
  }
  const error = toError(response.status, data, response.headers.get('Retry-After'));
  if (response.status === 401 && !anonymous) return sessionEnded(error);
  if (response.status === 403 && error.code === 'step_up_required' && !anonymous && !retried) {
    await listeners.stepUp(error); // a cancelled dialog rejects with the original refusal
    return api(method, path, body, { anonymous, headers, withEtag, retried: true });
  }
  throw error;
}

function toError(status, data, retryAfter) {
  const detail = (data && data.error) || {};
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return new ApiError(status, detail.code || 'error', detail.message || UNKNOWN, {
    field: detail.field || null,
    retryAfter: seconds,
  });
}

/**
 * Upload one file with progress (fetch cannot report upload progress). The body is the file's
 * bytes; the server recognises the type from them, not from the name.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const sent = Date.now();
    const request = new XMLHttpRequest();
    request.open('POST', path);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener('load', () => {
      let data = null;
      try {
        data = JSON.parse(request.responseText);
      } catch {
        data = null;
      }
      if (request.status >= 200 && request.status < 300) {
        listeners.active(sent);
        onProgress(1);
        resolve(data || {});
        return;
      }
      const error = toError(request.status, data, request.getResponseHeader('Retry-After'));
      if (request.status === 401) sessionEnded(error);
      else reject(error);
    });
    request.addEventListener('error', () => reject(new ApiError(0, 'offline', OFFLINE)));
    request.send(file);
  });
}

/** "3 minutes" from a Retry-After number of seconds. */
export function describeWait(seconds) {
  if (seconds === null || seconds === undefined) return 'a little while';
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** What the user reads for a refused call: the API's own message, with the wait when throttled. */
export function explain(error) {
  if (!(error instanceof ApiError)) return UNKNOWN;
  if (error.status === 429) return `${error.message} You can try again in ${describeWait(error.retryAfter)}.`;
  return error.message;
}

/** Show a refused call in a message area (see dom.statusArea). */
export function showError(area, error) {
  showMessage(area, explain(error), 'error');
}

/** The error shown in place of content that could not be loaded. */
export function failure(error) {
  return h('p', { class: 'message error', role: 'alert' }, explain(error));
}

/** A screen part that loads `path` and draws the answer with `draw(data)`, or shows why it could not. */
export function loading(path, draw) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  api('GET', path).then(
    (data) => replace(body, draw(data)),
    (error) => replace(body, failure(error)),
  );
  return body;
}
