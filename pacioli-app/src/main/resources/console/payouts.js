// Payouts and the approval queue: each payout awaiting approval with the payload and its hash, to
// approve (exactly that hash) or reject. The server decides who may: a principal cannot approve a
// payout it created, nor approve one twice; the page shows the server's answer as it is.

import { all, enc, get, ledgerPath, post } from './api.js';
import { action, badge, card, confirm, facts, h, link, pickLedger, table, time } from './ui.js';

export async function payouts(args) {
  const [wanted, id] = args;
  const [ledger, picker] = await pickLedger('payouts', wanted);
  if (!ledger) {
    return [h('h1', {}, 'Payouts'), h('p', { class: 'empty' }, 'No ledger yet.')];
  }
  if (id) {
    return payout(ledger, id);
  }
  const base = ledgerPath(ledger) + '/payouts';
  const [queue, recent] = await Promise.all([
    all(base + '?status=requires_approval&limit=100', 200),
    get(base + '?limit=100'),
  ]);
  return [
    h('h1', {}, 'Payouts'),
    h('div', { class: 'row' }, picker),
    card('Approval queue', h('div', { id: 'approval-queue' }, queue.length === 0 ? h('p', { class: 'empty' }, 'Nothing awaits approval.') : queue.map((p) => approvalItem(ledger, p)))),
    card(
      'Recent payouts',
      table(recent.data, [
        ['Payout', (p) => link(`#/payouts/${enc(ledger)}/${enc(p.id)}`, p.id)],
        ['Status', (p) => badge(p.status)],
        ['Hold', (p) => p.hold_reason],
        ['Source', (p) => p.source],
        ['Amount', (p) => `${p.amount} ${p.asset}`],
        ['Connector', (p) => p.connector],
        ['Approvals', (p) => `${p.approvals.length}/${p.approvals_required}`],
        ['Created by', (p) => p.created_by],
        ['Updated', (p) => time(p.updated_at)],
      ], 'No payout.'),
    ),
  ];
}

/** What decides where the money goes, as the approver reviews it; its hash is what they approve. */
function payload(p) {
  return {
    ledger: p.ledger,
    source: p.source,
    amount: p.amount,
    asset: p.asset,
    connector: p.connector,
    destination: p.destination,
    fee: p.fee,
  };
}

function approvalItem(ledger, p) {
  const result = h('div', { class: 'result', 'data-result': p.id });
  const path = `${ledgerPath(ledger)}/payouts/${enc(p.id)}`;
  return h(
    'article',
    { class: 'approval', 'data-payout': p.id },
    h('h3', {}, link(`#/payouts/${enc(ledger)}/${enc(p.id)}`, p.id), ' ', badge(p.status)),
    facts([
      ['Created by', p.created_by],
      ['Approvals', `${p.approvals.map((a) => a.principal).join(', ') || 'none'} (${p.approvals.length} of ${p.approvals_required})`],
      ['Expires', time(p.approval_expires_at)],
      ['Payload hash', h('code', { class: 'hash', 'data-hash': p.id }, p.payload_hash)],
    ]),
    h('pre', { class: 'payload' }, JSON.stringify(payload(p), null, 2)),
    h(
      'div',
      { class: 'actions' },
      action('Approve', result, async () => {
        const answer = await post(path + '/approve', { payload_hash: p.payload_hash });
        return `Approved: now ${answer.status}, ${answer.approvals.length} of ${answer.approvals_required} approvals (${answer.approvals.map((a) => a.principal).join(', ')}).`;
      }, { 'data-action': 'approve', 'data-payout': p.id }),
      action('Reject', result, async () => {
        const reason = await confirm('Reject payout', `Reject ${p.id} and void its reserve?`);
        if (reason === null) {
          return undefined;
        }
        const answer = await post(path + '/reject', { reason });
        return `Rejected: now ${answer.status}.`;
      }, { 'data-action': 'reject', 'data-payout': p.id, class: 'danger' }),
    ),
    result,
  );
}

async function payout(ledger, id) {
  const path = `${ledgerPath(ledger)}/payouts/${enc(id)}`;
  const [p, history] = await Promise.all([get(path), get(path + '/history')]);
  const result = h('div', { class: 'result', 'data-result': p.id });
  const withReason = (verb, body) => async () => {
    const reason = await confirm(`${verb} payout`, `${verb} ${p.id}?`);
    return reason === null ? undefined : `${verb}: now ${(await post(`${path}/${verb.toLowerCase()}`, Object.assign({ reason }, body))).status}.`;
  };
  return [
    h('h1', {}, `Payout ${id}`),
    h('p', {}, link(`#/payouts/${enc(ledger)}`, `← payouts of ${ledger}`)),
    card(
      'Payout',
      facts([
        ['Status', badge(p.status)],
        ['Hold reason', p.hold_reason],
        ['Source', p.source],
        ['Amount', `${p.amount} ${p.asset}`],
        ['Fee', p.fee],
        ['Connector', p.connector],
        ['Destination', p.destination],
        ['Payload hash', h('code', { class: 'hash' }, p.payload_hash)],
        ['Approvals', `${p.approvals.map((a) => a.principal).join(', ') || 'none'} (${p.approvals.length} of ${p.approvals_required})`],
        ['Created by', `${p.created_by} at ${time(p.created_at)}`],
        ['Provider reference', p.provider_reference],
        ['Failure', p.failure_reason],
        ['Ledger transactions', h('span', {}, p.ledger_transactions.map((t) => [link(`#/ledgers/${enc(ledger)}/transactions/${enc(t)}`, t), ' ']))],
      ]),
      h(
        'div',
        { class: 'actions' },
        p.status === 'requires_approval'
          ? action('Approve', result, async () => `Approved: now ${(await post(path + '/approve', { payload_hash: p.payload_hash })).status}.`, { 'data-action': 'approve' })
          : null,
        p.status === 'held' ? action('Release', result, async () => `Released: now ${(await post(path + '/release', {})).status}.`) : null,
        p.status === 'needs_review' ? action('Resolve as paid', result, withReason('Resolve', { outcome: 'paid' })) : null,
        p.status === 'needs_review' ? action('Resolve as failed', result, withReason('Resolve', { outcome: 'failed' })) : null,
        ['requires_approval', 'approved', 'held'].includes(p.status) ? action('Cancel', result, withReason('Cancel', {}), { class: 'danger' }) : null,
      ),
      result,
    ),
    card(
      'History',
      table(history.data, [
        ['#', (e) => e.sequence],
        ['At', (e) => time(e.at)],
        ['Kind', (e) => e.kind],
        ['From', (e) => e.from],
        ['To', (e) => e.to],
        ['Principal', (e) => e.principal],
        ['Detail', (e) => e.detail],
      ]),
    ),
  ];
}


