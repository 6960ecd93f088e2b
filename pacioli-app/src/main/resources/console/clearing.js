// Clearing windows: each window's positions per participant, and how much netting saved per window
// (efficiency = 1 − net settlement ÷ gross) as a chart.

import { all, enc, get, ledgerPath } from './api.js';
import { chart } from './charts.js';
import { badge, card, h, pickLedger, table, time } from './ui.js';

const REPORTS_MAX = 30;

export async function clearing(args) {
  const [ledger, picker] = await pickLedger('clearing', args[0]);
  if (!ledger) {
    return [h('h1', {}, 'Clearing'), h('p', { class: 'empty' }, 'No ledger yet.')];
  }
  const base = ledgerPath(ledger) + '/clearing';
  const windows = await all(base + '/windows?limit=100', 500);
  // The latest windows with a report (an open window has none yet), oldest first on the chart.
  const recent = windows.slice().sort((a, b) => b.number - a.number).slice(0, REPORTS_MAX);
  const reports = (
    await Promise.all(
      recent.map((w) => get(`${base}/windows/${enc(w.id)}/report`).then((r) => ({ window: w, report: r }), () => null)),
    )
  ).filter(Boolean).sort((a, b) => a.window.number - b.window.number);
  const byAsset = {};
  for (const { window, report } of reports) {
    for (const asset of report.assets) {
      (byAsset[asset.asset] = byAsset[asset.asset] || new Map()).set(window.number, Number(asset.efficiency));
    }
  }
  const numbers = reports.map((r) => r.window.number);
  const latest = reports[reports.length - 1];
  return [
    h('h1', {}, 'Clearing windows'),
    h('div', { class: 'row' }, picker),
    card(
      'Netting efficiency per window',
      numbers.length === 0
        ? h('p', { class: 'empty' }, 'No window has a report yet.')
        : chart(
            'Netting efficiency per window',
            numbers,
            Object.entries(byAsset).map(([asset, values]) => ({ label: asset, values: numbers.map((n) => values.get(n) ?? null), bars: true })),
            { time: false, yRange: [0, 1], xLabel: 'window' },
          ),
    ),
    latest
      ? card(
          `Positions in window ${latest.window.number}`,
          latest.report.assets.map((asset) => [
            h('h3', {}, `${asset.asset}: ${asset.obligations} obligations, gross ${asset.gross}, net ${asset.net_settlement}, efficiency ${asset.efficiency}`),
            table(asset.positions, [
              ['Participant', (p) => p.participant],
              ['Incoming', (p) => p.incoming],
              ['Outgoing', (p) => p.outgoing],
              ['Net', (p) => p.net],
            ]),
          ]),
        )
      : null,
    card(
      'Windows',
      table(windows.slice().sort((a, b) => b.number - a.number), [
        ['#', (w) => w.number],
        ['Window', (w) => w.id],
        ['Status', (w) => badge(w.status)],
        ['Positions', (w) => `${w.first_position} … ${w.last_position ?? ''}`],
        ['Opened', (w) => time(w.opened_at)],
        ['Closed', (w) => time(w.closed_at)],
        ['Settled', (w) => time(w.settled_at)],
        ['Settlement', (w) => w.settlement_transaction],
        ['Failure', (w) => w.failure],
      ], 'No window.'),
    ),
  ];
}
