// Reconciliation: the daily report per account (match rate, aged exceptions, drift over 30 days as a
// chart), runs (started here or opened by id) with their proposals to accept.

import { enc, get, ledgerPath, post } from './api.js';
import { chart, seconds } from './charts.js';
import { action, badge, card, facts, field, h, pickLedger, table, value } from './ui.js';

export async function reconciliation(args) {
  const [ledger, picker] = await pickLedger('reconciliation', args[0]);
  if (!ledger) {
    return [h('h1', {}, 'Reconciliation'), h('p', { class: 'empty' }, 'No ledger yet.')];
  }
  const base = ledgerPath(ledger) + '/reconciliation';
  const day = /^\d{4}-\d{2}-\d{2}$/.test(args[1] || '') ? args[1] : new Date().toISOString().slice(0, 10);
  const report = await get(`${base}/reports/${day}`);
  const runArea = h('div', { id: 'run' });
  return [
    h('h1', {}, 'Reconciliation'),
    h('div', { class: 'row' }, picker),
    card(
      `Daily report for ${report.date}`,
      facts([
        ['Statement lines', report.statement_lines],
        ['Matched', report.matched_lines],
        ['Match rate', report.match_rate],
      ]),
      report.accounts.map((account) => accountReport(account, report.date)),
    ),
    card(
      'Runs',
      h(
        'div',
        { class: 'row' },
        field('run-account', 'Account', report.accounts.length > 0 ? report.accounts[0].account : ''),
        field('run-from', 'From', day, { type: 'date' }),
        field('run-to', 'To', day, { type: 'date' }),
        action('Start a run', runArea, async () => {
          const run = await post(base + '/runs', { account: value('run-account'), from: value('run-from'), to: value('run-to') });
          return runView(base, run);
        }, { id: 'start-run' }),
      ),
      h(
        'div',
        { class: 'row' },
        field('run-id', 'Run id'),
        action('Open the run', runArea, async () => runView(base, await get(`${base}/runs/${enc(value('run-id'))}`)), { id: 'open-run' }),
      ),
      runArea,
    ),
  ];
}

/** The 30 days up to `date`, oldest first, as ISO dates. */
function daysUpTo(date) {
  const end = Date.parse(date + 'T00:00:00Z');
  return Array.from({ length: 30 }, (_, i) => new Date(end - (29 - i) * 86400000).toISOString().slice(0, 10));
}

function accountReport(account, date) {
  const drifts = account.drift_by_day || {};
  const measured = Object.keys(drifts).length > 0;
  const days = daysUpTo(date);
  return h(
    'div',
    { class: 'account-report' },
    h('h3', {}, account.account),
    facts([
      ['Match rate', `${account.match_rate} (${account.matched_lines} of ${account.statement_lines} lines)`],
      ['Lines by status', account.lines_by_status],
      ['Drift', account.drift ? h('span', {}, String(account.drift.drift), ' ', badge(account.drift.severity)) : 'not measured'],
    ]),
    !measured
      ? h('p', { class: 'empty' }, 'No drift measured in the last 30 days.')
      : chart(`Drift of ${account.account} over 30 days`, days.map((d) => seconds(d + 'T00:00:00Z')), [
          { label: 'drift (ledger − outside)', values: days.map((d) => (d in drifts ? drifts[d] : null)), points: true },
        ]),
    h('h4', {}, 'Aged exceptions'),
    table(account.aged_exceptions, [
      ['Line', (l) => l.line],
      ['Booked', (l) => l.booking_date],
      ['Age (days)', (l) => l.age_days],
      ['Amount', (l) => l.amount],
      ['Status', (l) => badge(l.status)],
      ['Reference', (l) => l.reference],
    ], 'No aged exception.'),
  );
}

function runView(base, run) {
  const result = h('div', { class: 'result' });
  return h(
    'div',
    { class: 'run' },
    facts([
      ['Run', run.id],
      ['Account', run.account],
      ['Period', `${run.from} … ${run.to}`],
      ['Match rate', run.match_rate],
      ['Matched by tier', run.matched_by_tier],
      ['Unmatched entries', run.unmatched_entry_count ?? run.unmatched_entries.length],
    ]),
    h('h4', {}, 'Unmatched lines'),
    table(run.unmatched_lines, [['Line', (l) => (typeof l === 'object' ? l.id || JSON.stringify(l) : l)]], 'Every line matched.'),
    h('h4', {}, 'Proposals'),
    result,
    table(run.proposals, [
      ['Proposal', (p) => p.id],
      ['Tier', (p) => p.tier],
      ['Score', (p) => p.score],
      ['Reasons', (p) => (p.reasons || []).join('; ')],
      ['Lines', (p) => p.lines],
      ['Entries', (p) => p.entries],
      ['Status', (p) => badge(p.status)],
      ['', (p) => (p.status === 'open' || p.status === 'proposed'
        ? action('Accept', result, async () => {
            await post(`${base}/proposals/${enc(p.id)}/accept`, {});
            return `Proposal ${p.id} accepted.`;
          }, { 'data-proposal': p.id })
        : null)],
    ], 'No proposal.'),
  );
}


