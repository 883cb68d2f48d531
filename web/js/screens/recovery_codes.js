// S33: the recovery codes, shown once when the first strong factor is added or after regenerating.

import { h } from '../dom.js';

/** S33: ten codes, shown this once, to keep somewhere safe; downloadable as a text file. */
export function recoveryCodes(codes, done) {
  if (!codes.length) {
    queueMicrotask(done);
    return h('p', { class: 'muted' }, 'Done.');
  }
  const text = `Learning journal recovery codes\nEach code works once, in place of a code from your app or a lost passkey.\n\n${codes.join('\n')}\n`;
  const file = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const next = h('button', { type: 'button', class: 'primary' }, 'I have saved my codes');
  next.addEventListener('click', () => {
    URL.revokeObjectURL(file);
    done();
  });
  return h(
    'section',
    { class: 'card narrow' },
    h('h1', { tabindex: '-1' }, 'Save your recovery codes'),
    h('p', {}, 'If you lose your phone or security key, each of these codes signs you in once in its place. This is the only time we show them.'),
    h('ol', { class: 'recovery-codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
    h('div', { class: 'actions' }, h('a', { href: file, download: 'learning-journal-recovery-codes.txt', class: 'button' }, 'Download as a text file'), next),
  );
}
