// Deposits (money in) and screening cases (payouts and deposits held by a sanctions hit).

import { all, enc, ledgerPath, post } from './api.js';
import { action, badge, card, confirm, h, link, pickLedger, table, time } from './ui.js';

export async function deposits(args) {
  const [ledger, picker] = await pickLedger('deposits', args[0]);
  if (!ledger) {
    return [h('h1', {}, 'Deposits'), h('p', { class: 'empty' }, 'No ledger yet.')];
  }
  const list = await all(ledgerPath(ledger) + '/deposits?limit=100', 200);
  return [
    h('h1', {}, 'Deposits'),
    h('div', { class: 'row' }, picker),
    card(
      'Deposits',
      table(list, [
        ['Deposit', (d) => d.id],
        ['Status', (d) => badge(d.status)],
        ['Account', (d) => link(`#/ledgers/${enc(ledger)}/accounts/${enc(d.account)}`, d.account)],
        ['Amount', (d) => `${d.amount} ${d.asset}`],
        ['Connector', (d) => d.connector],
        ['Provider reference', (d) => d.provider_reference],
        ['Transactions', (d) => h('span', {}, d.ledger_transactions.map((t) => [link(`#/ledgers/${enc(ledger)}/transactions/${enc(t)}`, t), ' ']))],
        ['Created', (d) => time(d.created_at)],
      ], 'No deposit.'),
    ),
  ];
}

export async function screening(args) {
  const status = ['open', 'cleared', 'confirmed'].includes(args[0]) ? args[0] : 'open';
  const cases = await all('/v1/screening/cases?limit=100&status=' + status, 200);
  const result = h('div', { class: 'result', id: 'screening-result' });
  const decide = (c, decision) => async () => {
    const reason = await confirm(`${decision === 'clear' ? 'Clear' : 'Confirm'} the hit`, `${decision} case ${c.id} on ${c.object_type} ${c.object_id}?`);
    return reason === null ? undefined : `Case ${c.id}: ${(await post(`/v1/screening/cases/${enc(c.id)}/decide`, { decision, reason })).status}.`;
  };
  return [
    h('h1', {}, 'Screening cases'),
    h('p', { class: 'row' }, ['open', 'cleared', 'confirmed'].map((s) => [link('#/screening/' + s, s === status ? `[${s}]` : s), ' '])),
    result,
    card(
      `Cases (${status})`,
      table(cases, [
        ['Case', (c) => c.id],
        ['Status', (c) => badge(c.status)],
        ['Object', (c) => `${c.object_type} ${c.object_id}${c.ledger ? ' in ' + c.ledger : ''}`],
        ['Matched', (c) => (c.match ? `${c.match.field}: “${c.match.matched}”${c.match.entry ? ' ~ ' + c.match.entry.name : ''}` : null)],
        ['Score', (c) => (c.match ? c.match.score : null)],
        ['List', (c) => (c.match ? `${c.match.list} v${c.match.list_version}` : null)],
        ['Created by', (c) => c.created_by],
        ['Opened', (c) => time(c.opened_at)],
        ['Decision', (c) => (c.status === 'open'
          ? h('span', {}, action('Clear', result, decide(c, 'clear')), ' ', action('Confirm', result, decide(c, 'confirm'), { class: 'danger' }))
          : `${c.decision} by ${c.decided_by}: ${c.reason}`)],
      ], 'No case.'),
    ),
  ];
}
