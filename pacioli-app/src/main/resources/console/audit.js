// The audit log: every privileged action, newest first, filtered by principal, action or object.

import { get } from './api.js';
import { card, field, h, short, table, time, value } from './ui.js';

const FILTERS = ['principal', 'action', 'object_id', 'ledger'];

export async function audit(args) {
  // #/audit/principal=alice&action=payout.approved
  const wanted = new URLSearchParams(args[0] || '');
  const query = new URLSearchParams({ limit: '100' });
  for (const name of FILTERS) {
    if (wanted.get(name)) {
      query.set(name, wanted.get(name));
    }
  }
  const page = await get('/v1/audit-log?' + query);
  const apply = () => {
    const chosen = new URLSearchParams();
    for (const name of FILTERS) {
      if (value('audit-' + name)) {
        chosen.set(name, value('audit-' + name));
      }
    }
    location.hash = '#/audit/' + encodeURIComponent(chosen.toString());
  };
  return [
    h('h1', {}, 'Audit log'),
    card(
      'Filter',
      h('div', { class: 'row' }, FILTERS.map((name) => field('audit-' + name, name, wanted.get(name) || '')), h('button', { type: 'button', id: 'audit-apply', onclick: apply }, 'Apply')),
    ),
    card(
      'Records',
      table(page.data, [
        ['#', (r) => r.sequence],
        ['At', (r) => time(r.at)],
        ['Principal', (r) => r.principal],
        ['Action', (r) => r.action],
        ['Object', (r) => `${r.object_type} ${r.object_id}`],
        ['Ledger', (r) => r.ledger],
        ['Reason', (r) => r.reason],
        ['Hash', (r) => short(r.hash)],
      ], 'No record.'),
      page.next_cursor ? h('p', {}, 'Newest 100 shown; narrow the filter to see older ones.') : null,
    ),
  ];
}
