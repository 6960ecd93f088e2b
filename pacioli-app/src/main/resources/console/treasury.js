// Treasury buffers: each buffer's balance against its min, target and max, as a chart and a table.

import { all, enc, ledgerPath } from './api.js';
import { chart } from './charts.js';
import { badge, card, h, link, pickLedger, table, time } from './ui.js';

export async function treasury(args) {
  const [ledger, picker] = await pickLedger('treasury', args[0]);
  if (!ledger) {
    return [h('h1', {}, 'Treasury'), h('p', { class: 'empty' }, 'No ledger yet.')];
  }
  const base = ledgerPath(ledger) + '/treasury';
  const buffers = await all(base + '/buffers', 200);
  const xs = buffers.map((b, i) => i);
  const labels = buffers.map((b) => b.account);
  return [
    h('h1', {}, 'Treasury buffers'),
    h('div', { class: 'row' }, picker),
    card(
      'Level against min, target and max',
      buffers.length === 0
        ? h('p', { class: 'empty' }, 'No buffer on this ledger.')
        : chart('Buffer levels', xs, [
            { label: 'balance', values: buffers.map((b) => b.balance), bars: true },
            { label: 'min', values: buffers.map((b) => b.min), pointsOnly: true, color: '#dc2626' },
            { label: 'target', values: buffers.map((b) => b.target), pointsOnly: true, color: '#16a34a' },
            { label: 'max', values: buffers.map((b) => b.max), pointsOnly: true, color: '#d97706' },
          ], { time: false, xLabels: labels, xLabel: 'buffer', yRange: [0, Math.max(...buffers.map((b) => Math.max(b.max, b.balance))) * 1.15] }),
    ),
    card(
      'Buffers',
      table(buffers, [
        ['Account', (b) => link(`#/ledgers/${enc(ledger)}/accounts/${enc(b.account)}`, b.account)],
        ['Asset', (b) => b.asset],
        ['Balance', (b) => b.balance],
        ['Available', (b) => b.available],
        ['Min', (b) => b.min],
        ['Target', (b) => b.target],
        ['Max', (b) => b.max],
        ['Critical', (b) => b.critical],
        ['Status', (b) => badge(b.status)],
        ['Conversion in flight', (b) => b.job],
        ['Last cycle', (b) => b.last_cycle],
        ['Updated', (b) => time(b.updated_at)],
      ], 'No buffer.'),
    ),
  ];
}
