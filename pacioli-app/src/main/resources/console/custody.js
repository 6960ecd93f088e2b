// Custody: wallets (address, chain, balance, monitor) and their chain transactions not yet final.

import { all, enc, post } from './api.js';
import { action, badge, card, h, table, time } from './ui.js';

const FINAL = new Set(['confirmed', 'failed']);

export async function custody() {
  const wallets = await all('/v1/custody/wallets?limit=100', 200);
  const transactions = (
    await Promise.all(wallets.map((w) => all(`/v1/custody/wallets/${enc(w.id)}/transactions?limit=100`, 200)))
  ).flat();
  const pending = transactions.filter((t) => !FINAL.has(t.status));
  const result = h('div', { class: 'result' });
  return [
    h('h1', {}, 'Custody'),
    card(
      'Wallets',
      table(wallets, [
        ['Wallet', (w) => w.id],
        ['Label', (w) => w.label],
        ['Chain', (w) => w.chain],
        ['Address', (w) => h('code', {}, w.address)],
        ['Balance (wei)', (w) => w.balance_wei],
        ['Monitor', (w) => w.monitor],
        ['Key', (w) => w.key_id],
        ['Created', (w) => time(w.created_at)],
      ], 'No wallet.'),
    ),
    card(
      'Pending chain transactions',
      result,
      table(pending, [
        ['Transaction', (t) => t.id],
        ['Wallet', (t) => t.wallet],
        ['Status', (t) => badge(t.status)],
        ['Hold', (t) => t.hold_reason],
        ['To', (t) => h('code', {}, t.to)],
        ['Value (wei)', (t) => t.value_wei],
        ['Nonce', (t) => t.nonce],
        ['Hash', (t) => (t.hash ? h('code', {}, t.hash) : null)],
        ['Updated', (t) => time(t.updated_at)],
        ['', (t) => (t.status === 'held'
          ? action('Release', result, async () => `Released: now ${(await post(`/v1/custody/wallets/${enc(t.wallet)}/transactions/${enc(t.id)}/release`, {})).status}.`)
          : null)],
      ], 'No chain transaction in flight.'),
    ),
  ];
}
