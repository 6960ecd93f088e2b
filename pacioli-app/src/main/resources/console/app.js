// The console's shell: sign-in, navigation by the URL's hash (#/page/arg/...), one page at a time.

import { forget, get, key, remember } from './api.js';
import { clear, fill, h } from './ui.js';
import { overview } from './overview.js';
import { ledgers } from './ledgers.js';
import { payouts } from './payouts.js';
import { deposits, screening } from './money.js';
import { clearing } from './clearing.js';
import { reconciliation } from './reconciliation.js';
import { treasury } from './treasury.js';
import { custody } from './custody.js';
import { audit } from './audit.js';
import { controls } from './controls.js';

const PAGES = {
  overview,
  ledgers,
  payouts,
  deposits,
  screening,
  clearing,
  reconciliation,
  treasury,
  custody,
  audit,
  controls,
};

const main = document.getElementById('main');

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const name = PAGES[parts[0]] ? parts[0] : 'overview';
  return { name, args: parts.slice(1) };
}

async function show() {
  if (!key()) {
    signedOut();
    return;
  }
  document.getElementById('sign-in').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('sign-out').hidden = false;
  const { name, args } = route();
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('current', link.getAttribute('href') === '#/' + name);
  }
  main.dataset.page = name;
  main.dataset.ready = 'false';
  document.title = `Pacioli console — ${name}`;
  clear(main).append(h('p', { class: 'loading' }, 'Loading…'));
  await fill(main, () => PAGES[name](args, show));
  main.dataset.ready = 'true';
}

function signedOut() {
  clear(main);
  document.getElementById('nav').hidden = true;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('sign-in').hidden = false;
  document.getElementById('api-key').focus();
}

async function signIn() {
  const input = document.getElementById('api-key');
  const error = document.getElementById('sign-in-error');
  const secret = input.value.trim();
  error.hidden = true;
  if (!secret) {
    return;
  }
  remember(secret);
  try {
    await get('/v1/controls');
  } catch (e) {
    // Only a 401 says the key is not one: a 403 (a key scoped to ledgers, say) is a key that may sign
    // in and will see the pages its role and scope allow.
    if (e.status !== 403) {
      forget();
      error.textContent = e.status === 401 ? 'This key is unknown or revoked.' : `Sign-in failed: ${e.message}`;
      error.hidden = false;
      return;
    }
  }
  input.value = '';
  await show();
}

document.getElementById('sign-in-button').addEventListener('click', signIn);
document.getElementById('api-key').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    signIn();
  }
});
document.getElementById('sign-out').addEventListener('click', () => {
  forget();
  location.hash = '#/overview';
  signedOut();
});
window.addEventListener('hashchange', show);
show();
