// Building the page from data: elements are made with textContent only (never innerHTML), so nothing
// the API returns is ever parsed as markup.

import { all, Problem } from './api.js';

/** An element: h('td', {class: 'x', 'data-id': 1}, 'text', otherNode). */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element) {
  while (element.firstChild) {
    element.firstChild.remove();
  }
  return element;
}

/** A titled card. */
export function card(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/**
 * A table of rows: columns are [label, row => text or node]. An empty list says so rather than
 * showing an empty table.
 */
export function table(rows, columns, empty = 'None.') {
  if (!rows || rows.length === 0) {
    return h('p', { class: 'empty' }, empty);
  }
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, columns.map(([label]) => h('th', {}, label)))),
    h(
      'tbody',
      {},
      rows.map((row) => h('tr', {}, columns.map(([, value]) => h('td', {}, cell(value(row)))))),
    ),
  );
}

function cell(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  if (value instanceof Node) {
    return value;
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** Key/value pairs as a definition list. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([name, value]) => [h('dt', {}, name), h('dd', {}, cell(value))]),
  );
}

export function link(href, text) {
  return h('a', { href }, text);
}

export function badge(text, kind) {
  return h('span', { class: 'badge ' + (kind || String(text).replace(/[^a-z_]/gi, '')) }, text);
}

/** What the server answered, as it said it: status, code and detail of its problem document. */
export function problem(error) {
  if (error instanceof Problem) {
    const text = error.body
      ? `${error.status} ${error.code || ''}: ${error.body.detail || error.body.title || ''}`
      : `${error.status}: ${error.text}`;
    return h('p', { class: 'problem', role: 'alert' }, text);
  }
  return h('p', { class: 'problem', role: 'alert' }, String(error && error.message ? error.message : error));
}

/** Replaces `target`'s content with the result of `render`, or the problem it ran into. */
export async function fill(target, render) {
  try {
    const content = await render();
    clear(target).append(...[content].flat().filter(Boolean));
  } catch (error) {
    clear(target).append(problem(error));
  }
  return target;
}

/** A place filled later: fill(placeholder, ...) without blocking the rest of the page. */
export function later(render, attributes) {
  const target = h('div', attributes || {}, h('p', { class: 'loading' }, 'Loading…'));
  fill(target, render);
  return target;
}

/** A titled card whose content is filled later; a refusal shows under the title. */
export function laterCard(title, render) {
  return card(title, later(render));
}

export function amount(value, asset) {
  return value === null || value === undefined ? '—' : `${value}${asset ? ' ' + asset : ''}`;
}

export function time(value) {
  return value ? String(value).replace('T', ' ').replace(/\.\d+/, '').replace('Z', ' UTC') : '—';
}

export function short(hash) {
  return hash ? h('code', { title: hash }, String(hash).slice(0, 16) + '…') : '—';
}

/**
 * Asks for confirmation in the page's <dialog>, with a reason: answers the reason, or null when the
 * operator cancels.
 */
export function confirm(title, text, needReason = true) {
  const dialog = document.getElementById('confirm');
  const reason = document.getElementById('confirm-reason');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  reason.value = '';
  reason.hidden = !needReason;
  reason.previousElementSibling.hidden = !needReason;
  return new Promise((resolve) => {
    const yes = document.getElementById('confirm-yes');
    const no = document.getElementById('confirm-no');
    const done = (value) => {
      yes.removeEventListener('click', onYes);
      no.removeEventListener('click', onNo);
      dialog.removeEventListener('cancel', onNo);
      dialog.close();
      resolve(value);
    };
    const onYes = () => {
      if (needReason && reason.value.trim() === '') {
        reason.focus();
        return;
      }
      done(needReason ? reason.value.trim() : '');
    };
    const onNo = () => done(null);
    yes.addEventListener('click', onYes);
    no.addEventListener('click', onNo);
    // Escape closes a modal dialog: that is a cancel too.
    dialog.addEventListener('cancel', onNo);
    dialog.showModal();
    (needReason ? reason : yes).focus();
  });
}

/** A button that runs an action, then shows its answer (or problem) in `result`. */
export function action(label, result, run, attributes) {
  return h(
    'button',
    Object.assign({ type: 'button' }, attributes || {}, {
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          const answer = await run();
          if (answer !== undefined && result) {
            clear(result).append(answer instanceof Node ? answer : h('p', { class: 'ok', role: 'status' }, String(answer)));
          }
        } catch (error) {
          if (result) {
            clear(result).append(problem(error));
          }
        } finally {
          button.disabled = false;
        }
      },
    }),
    label,
  );
}

/** A labelled text input. */
export function field(id, label, value = '', attributes = {}) {
  return h(
    'span',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', Object.assign({ id, type: 'text', value, autocomplete: 'off' }, attributes)),
  );
}

export function value(id) {
  const element = document.getElementById(id);
  return element ? element.value.trim() : '';
}

/**
 * The ledger a per-ledger page shows: the one in the URL, else the first. Answers [ledger, picker],
 * the picker a <select> that moves the page to another ledger.
 */
export async function pickLedger(page, wanted) {
  const names = (await all('/v1/ledgers', 500)).map((l) => l.name);
  const ledger = wanted && names.includes(wanted) ? wanted : names[0] || null;
  const picker = h(
    'span',
    { class: 'field' },
    h('label', { for: 'ledger-select' }, 'Ledger'),
    h(
      'select',
      {
        id: 'ledger-select',
        onchange: (event) => {
          location.hash = `#/${page}/${encodeURIComponent(event.target.value)}`;
        },
      },
      names.map((name) => h('option', { value: name, selected: name === ledger }, name)),
    ),
  );
  return [ledger, picker];
}
