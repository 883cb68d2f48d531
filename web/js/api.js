// Every call to the API goes through here: same-origin credentials only (the HttpOnly session
// cookie is sent by the browser; scripts never see it), one error shape, 401 handling in one place.

export class ApiError extends Error {
  constructor(status, code, message, { field = null, retryAfter = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }

  /** The route is not served (yet): the catch-all answered for an unknown api/ address. */
  get notAvailable() {
    return (this.status === 404 && this.code === 'no_such_api') || this.status === 405;
  }
}

const listeners = { signedOut: () => {}, active: () => {} };

/**
 * `signedOut(error)` runs when an authenticated call answers 401; `active(sentAt)` after each success,
 * with the time the request left (the server counts activity from when it arrived).
 */
export function listen(handlers) {
  Object.assign(listeners, handlers);
}

const OFFLINE = 'We could not reach the journal. Please check your connection and try again.';
const UNKNOWN = 'Something went wrong. Please try again in a moment.';

/**
 * Call the API with a JSON body (or none). `anonymous` calls (sign-in, links) may answer 401 as an
 * ordinary error; for every other call a 401 means the session has ended. With `withEtag` the answer
 * is `{ data, etag }`, the ETag header being what a later If-Match sends.
 */
export async function api(method, path, body, { anonymous = false, headers = {}, withEtag = false } = {}) {
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
  if (response.status === 401 && !anonymous) listeners.signedOut(error);
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
    request.withCredentials = false; // same origin: the cookie goes anyway
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
      if (request.status === 401) listeners.signedOut(error);
      reject(error);
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
