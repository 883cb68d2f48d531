// Journal download (parents of a linked child, and managers): ask for an export, wait for the
// queue to build it with a gentle, bounded poll, then offer the two short-lived links.
//
// The links point at the blob store (another origin): they are plain <a href download> links the
// browser navigates to, never fetched by script (connect-src is 'self').

import { api, describeWait } from '../api.js';
import { h, replace } from '../dom.js';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 5000;
const GIVE_UP_AFTER_MS = 3 * 60 * 1000;
// Only the export's id is remembered for this tab, so a reload (or a 409) can pick it up again.
const remembered = (childId) => `journal-export:${childId}`;

function remember(childId, exportId) {
  try {
    if (exportId) sessionStorage.setItem(remembered(childId), exportId);
    else sessionStorage.removeItem(remembered(childId));
  } catch {
    // Storage may be unavailable (private mode); the panel still works without it.
  }
}

function recall(childId) {
  try {
    return sessionStorage.getItem(remembered(childId));
  } catch {
    return null;
  }
}

function minutes(seconds) {
  return describeWait(seconds || 600);
}

export function journalDownload(childId) {
  const status = h('div', { class: 'download-status', role: 'status', 'aria-live': 'polite' });
  const start = h('button', { type: 'button', class: 'primary' }, 'Prepare a download');
  const section = h('section', { class: 'card', 'aria-labelledby': `download-${childId}` },
    h('h2', { id: `download-${childId}` }, 'Download the journal'),
    h('p', {}, 'A PDF of the journal, and a zip file with the PDF, the photos and the data. It usually takes under a minute to prepare.'),
    status,
    h('div', { class: 'actions' }, start));
  let timer = null;
  let exportId = null;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
  }

  function show(...children) {
    replace(status, children);
  }

  function failed(text) {
    stop();
    start.disabled = false;
    show(h('p', { class: 'message error', role: 'alert' }, text));
  }

  function ready(data) {
    stop();
    start.disabled = false;
    start.textContent = 'Prepare a new download';
    const links = data.download || {};
    const fresh = h('button', { type: 'button', class: 'small' }, 'Get fresh links');
    fresh.addEventListener('click', () => check(Date.now(), 0));
    show(
      h('p', { class: 'message info' }, 'Your download is ready.'),
      h('ul', { class: 'downloads' },
        h('li', {}, h('a', { href: links.zip, download: 'learning-journal.zip', class: 'download' }, 'Download the zip file'), h('span', { class: 'muted' }, ' (PDF, photos and data)')),
        h('li', {}, h('a', { href: links.pdf, download: 'learning-journal.pdf', class: 'download' }, 'Download the PDF'))),
      h('p', { class: 'hint' }, `For privacy these links work for ${minutes(links.expiresInSeconds)}. If they have stopped working:`),
      fresh,
    );
  }

  function waiting() {
    show(h('p', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Preparing your download… You can stay on this page; the links appear here.'));
  }

  /** Ask for the status; again after a growing delay, until ready, failed or it is taking too long. */
  async function check(startedAt, delay, quiet = false) {
    timer = null;
    if (!section.isConnected && delay > 0) return; // the screen was left: stop quietly
    let data;
    try {
      data = await api('GET', `/api/exports/${encodeURIComponent(exportId)}`);
    } catch (error) {
      if (quiet) {
        remember(childId, null); // an earlier export that is gone (or not ours): start afresh
        return;
      }
      if (error.status === 404) {
        remember(childId, null);
        failed('That download is no longer available. Please prepare a new one.');
        return;
      }
      failed(error.message);
      return;
    }
    if (data.status === 'ready') return ready(data);
    if (data.status === 'failed') {
      remember(childId, null);
      if (quiet) return undefined;
      return failed('Sorry, we could not prepare the download. Please try again, or ask the nursery if it keeps happening.');
    }
    waiting();
    start.disabled = true;
    if (Date.now() - startedAt > GIVE_UP_AFTER_MS) {
      stop();
      const again = h('button', { type: 'button', class: 'small' }, 'Check again');
      again.addEventListener('click', () => check(Date.now(), 0));
      show(h('p', {}, 'This is taking longer than usual. Please check again in a few minutes.'), again);
      return;
    }
    const next = Math.min(Math.max(delay * 1.5, FIRST_DELAY_MS), MAX_DELAY_MS);
    timer = setTimeout(() => check(startedAt, next), next);
  }

  start.addEventListener('click', async () => {
    start.disabled = true;
    stop();
    try {
      const asked = await api('POST', `/api/children/${encodeURIComponent(childId)}/exports`);
      exportId = asked.id;
      remember(childId, exportId);
      waiting();
      timer = setTimeout(() => check(Date.now(), FIRST_DELAY_MS), FIRST_DELAY_MS);
    } catch (error) {
      if (error.status === 409) {
        // If it is the one this tab asked for, wait for it here; otherwise say so kindly.
        const earlier = recall(childId);
        const found = earlier ? await api('GET', `/api/exports/${encodeURIComponent(earlier)}`).catch(() => null) : null;
        if (found && (found.status === 'queued' || found.status === 'building')) {
          exportId = earlier;
          waiting();
          check(Date.now(), 0);
          return;
        }
        failed('A download of this journal is already being prepared. Please try again in a minute or two.');
      } else if (error.status === 429) {
        failed(`You have asked for several downloads today. You can ask again in ${describeWait(error.retryAfter)}.`);
      } else if (error.status === 403) {
        failed('This journal can no longer be downloaded here: the time to download it after leaving has ended. Please ask the nursery if you need a copy.');
      } else {
        failed(error.message);
      }
    }
  });

  // Pick up an export this tab asked for earlier (after a reload, say).
  const earlier = recall(childId);
  if (earlier) {
    exportId = earlier;
    check(Date.now(), 0, true);
  }
  return section;
}
