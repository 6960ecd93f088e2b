// Ledgers → accounts (balances, statement, balance over time) → transactions (postings, hash, reversal).

import { all, enc, get, ledgerPath } from './api.js';
import { chart, seconds } from './charts.js';
import { badge, card, facts, field, h, link, table, time, value } from './ui.js';

export async function ledgers(args) {
  const [ledger, kind, id] = args;
  if (!ledger) {
    return ledgerList();
  }
  if (kind === 'accounts' && id) {
    return account(ledger, id);
  }
  if (kind === 'transactions' && id) {
    return transaction(ledger, id);
  }
  return accounts(ledger, kind === 'search' ? id || '' : '');
}

async function ledgerList() {
  const list = await all('/v1/ledgers', 500);
  return [
    h('h1', {}, 'Ledgers'),
    card(
      'Ledgers',
      table(list, [
        ['Ledger', (l) => link(`#/ledgers/${enc(l.name)}`, l.name)],
        ['Created', (l) => time(l.created_at)],
        ['Metadata', (l) => l.metadata],
      ]),
    ),
  ];
}

async function accounts(ledger, prefix) {
  const query = prefix ? `?prefix=${enc(prefix)}&limit=100` : '?limit=100';
  const list = await all(ledgerPath(ledger) + '/accounts' + query, 300);
  const find = () => {
    location.hash = `#/ledgers/${enc(ledger)}/search/${enc(value('account-search'))}`;
  };
  const search = field('account-search', 'Account id or prefix', prefix, {
    onkeydown: (event) => event.key === 'Enter' && find(),
  });
  return [
    h('h1', {}, `Ledger ${ledger}`),
    card(
      'Find an account',
      h('div', { class: 'row' }, search, h('button', { type: 'button', id: 'account-find', onclick: find }, 'Find')),
    ),
    card(
      prefix ? `Accounts starting with “${prefix}”` : 'Accounts',
      table(list, [
        ['Account', (a) => link(`#/ledgers/${enc(ledger)}/accounts/${enc(a.id)}`, a.id)],
        ['Asset', (a) => a.asset],
        ['Normal', (a) => a.normal_balance],
        ['Balance', (a) => a.balances.balance],
        ['Available', (a) => a.balances.available],
        ['Status', (a) => badge(a.status)],
      ], 'No account matches.'),
    ),
  ];
}

async function account(ledger, id) {
  const base = `${ledgerPath(ledger)}/accounts/${enc(id)}`;
  const [details, entries] = await Promise.all([get(base), all(base + '/entries?limit=200', 1000)]);
  const b = details.balances;
  // Entries come newest first; the chart runs oldest to newest, one point per entry.
  const ordered = entries.slice().reverse();
  // Over time when the entries spread over a minute or more; by entry when they came all at once.
  const times = ordered.map((e) => seconds(e.committed_at));
  const overTime = times.length > 1 && times[times.length - 1] - times[0] >= 60;
  const xs = overTime ? times : ordered.map((e) => e.sequence);
  return [
    h('h1', {}, `Account ${id}`),
    h('p', {}, link(`#/ledgers/${enc(ledger)}`, `← ledger ${ledger}`)),
    card(
      'Balances',
      facts([
        ['Asset', details.asset],
        ['Normal balance', details.normal_balance],
        ['Balance', h('strong', { id: 'account-balance' }, String(b.balance))],
        ['Available', b.available],
        ['Posted debits / credits', `${b.posted_debits} / ${b.posted_credits}`],
        ['Pending debits / credits', `${b.pending_debits} / ${b.pending_credits}`],
        ['Bounds', `${details.min_balance ?? '—'} … ${details.max_balance ?? '—'}`],
        ['Status', badge(details.status)],
      ]),
    ),
    card(
      'Balance over time',
      ordered.length === 0
        ? h('p', { class: 'empty' }, 'No entry yet.')
        : chart('Balance over time', xs, [
            { label: 'balance', values: ordered.map((e) => e.balance_after), stepped: true },
            { label: 'available', values: ordered.map((e) => e.available_after), stepped: true, dash: [6, 4] },
          ], overTime ? {} : { time: false, xLabel: 'entry' }),
    ),
    card(
      'Statement',
      h(
        'div',
        { id: 'statement' },
        table(entries, [
          ['#', (e) => e.sequence],
          ['Time', (e) => time(e.committed_at)],
          ['Transaction', (e) => (e.transaction_id ? link(`#/ledgers/${enc(ledger)}/transactions/${enc(e.transaction_id)}`, e.transaction_id) : null)],
          ['Kind', (e) => e.kind],
          ['Debit', (e) => e.debit || ''],
          ['Credit', (e) => e.credit || ''],
          ['Balance after', (e) => e.balance_after],
          ['Available after', (e) => e.available_after],
        ], 'No entry yet.'),
      ),
    ),
  ];
}

async function transaction(ledger, id) {
  const t = await get(`${ledgerPath(ledger)}/transactions/${enc(id)}`);
  const other = (txId) => (txId ? link(`#/ledgers/${enc(ledger)}/transactions/${enc(txId)}`, txId) : '—');
  return [
    h('h1', {}, `Transaction ${id}`),
    card(
      'Transaction',
      facts([
        ['Status', badge(t.status)],
        ['Pending', t.pending ? 'yes' : 'no'],
        ['Sequence', t.sequence],
        ['Committed', time(t.committed_at)],
        ['Hash', h('code', { id: 'transaction-hash', class: 'hash' }, t.hash)],
        ['Reverses', other(t.reverses)],
        ['Reversed by', other(t.reversed_by)],
        ['Description', t.description],
        ['Metadata', t.metadata],
      ]),
    ),
    card(
      'Postings',
      table(t.postings, [
        ['From', (p) => link(`#/ledgers/${enc(ledger)}/accounts/${enc(p.from)}`, p.from)],
        ['To', (p) => link(`#/ledgers/${enc(ledger)}/accounts/${enc(p.to)}`, p.to)],
        ['Amount', (p) => p.amount],
        ['Asset', (p) => p.asset],
        ['Posted', (p) => p.posted_amount],
      ]),
    ),
  ];
}

