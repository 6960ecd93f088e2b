// What an operator checks first: the mode and the stop, open alerts, stuck payouts, connector
// breakers, and where each ledger's writer runs.

import { all, enc, get, ledgerPath } from './api.js';
import { badge, facts, h, laterCard, link, table, time } from './ui.js';

/** A payout is stuck when it needs review, is held, or sits too long where a worker should move it. */
const STUCK_AFTER_SECONDS = { approved: 5 * 60, processing: 10 * 60 };

/** Ledgers whose payouts the overview reads (four requests each, at once). */
const LEDGERS_MAX = 100;

export async function overview() {
  return [
    h('h1', {}, 'Overview'),
    laterCard('Mode and emergency stop', controlsCard),
    laterCard('Stuck payouts', stuckCard),
    laterCard('Open alerts', alertsCard),
    laterCard('Connectors', connectorsCard),
    laterCard('Writer per ledger (this instance)', writersCard),
  ];
}

async function controlsCard() {
  const controls = await get('/v1/controls');
  const stop = controls.emergency_stop;
  return [
    facts([
      ['Effective mode', badge(controls.effective_mode)],
      ['Mode set', controls.mode],
      [
        'Emergency stop',
        stop
          ? h('span', { id: 'overview-stop' }, badge('engaged: ' + stop.scope, 'danger'), ` by ${stop.engaged_by} — ${stop.reason}`)
          : h('span', { id: 'overview-stop' }, badge('none', 'ok')),
      ],
      ['Changed', `${time(controls.changed_at)} by ${controls.changed_by || '—'}`],
    ]),
    link('#/controls', 'Change the controls'),
  ];
}

async function stuckCard() {
  const ledgers = await all('/v1/ledgers', LEDGERS_MAX);
  const now = Date.now() / 1000;
  const pages = await Promise.all(
    ledgers.flatMap((ledger) =>
      ['needs_review', 'held', 'processing', 'approved'].map((status) =>
        get(`${ledgerPath(ledger.name)}/payouts?limit=100&status=${status}`).then((page) => ({ status, page })),
      ),
    ),
  );
  const stuck = [];
  for (const { status, page } of pages) {
    for (const payout of page.data) {
      const age = now - Date.parse(payout.updated_at) / 1000;
      if (!(status in STUCK_AFTER_SECONDS) || age > STUCK_AFTER_SECONDS[status]) {
        stuck.push(payout);
      }
    }
  }
  return [
    h(
      'div',
      { id: 'stuck-payouts' },
      table(
        stuck,
        [
          ['Ledger', (p) => p.ledger],
          ['Payout', (p) => link(`#/payouts/${enc(p.ledger)}/${enc(p.id)}`, p.id)],
          ['Status', (p) => badge(p.status)],
          ['Hold', (p) => p.hold_reason],
          ['Amount', (p) => `${p.amount} ${p.asset}`],
          ['Connector', (p) => p.connector],
          ['Since', (p) => time(p.updated_at)],
        ],
        'No payout is stuck.',
      ),
    ),
  ];
}

async function alertsCard() {
  const alerts = await all('/v1/alerts?status=open&limit=100', 100);
  return [
    table(
      alerts,
      [
        ['Severity', (a) => badge(a.severity)],
        ['Category', (a) => a.category],
        ['Summary', (a) => a.summary],
        ['Object', (a) => a.object],
        ['Count', (a) => a.count],
        ['Last seen', (a) => time(a.last_seen_at)],
      ],
      'No open alert.',
    ),
  ];
}

async function connectorsCard() {
  const connectors = await all('/v1/connectors?limit=100', 200);
  return [
    table(connectors, [
      ['Connector', (c) => c.id],
      ['Kind', (c) => c.kind],
      ['Breaker', (c) => badge(c.state)],
      ['Recent failures', (c) => c.recent_failures],
      ['Last success', (c) => time(c.last_success_at)],
      ['Last error', (c) => c.last_error],
    ], 'No connector.'),
  ];
}

/** The writer gauges of /metrics (no key needed): 1 while a ledger's writer runs on this instance. */
async function writersCard() {
  const text = await get('/metrics');
  const writers = {};
  for (const line of String(text).split('\n')) {
    const match = /^pacioli_(writer_running|queue_depth)\{ledger="([^"]*)"\} ([0-9.eE+-]+|NaN)/.exec(line);
    if (match) {
      writers[match[2]] = Object.assign(writers[match[2]] || {}, { [match[1]]: match[3] });
    }
  }
  const rows = Object.entries(writers).map(([ledger, gauges]) => ({ ledger, ...gauges }));
  return [
    table(rows, [
      ['Ledger', (r) => link(`#/ledgers/${enc(r.ledger)}`, r.ledger)],
      ['Writer', (r) => (Number(r.writer_running) === 1 ? badge('here', 'ok') : badge('elsewhere or stopped', 'warn'))],
      ['Queue', (r) => Number(r.queue_depth)],
    ], 'No ledger.'),
  ];
}
