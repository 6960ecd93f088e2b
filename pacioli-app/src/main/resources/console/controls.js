// The controls: execution mode and the emergency stop, each change behind a confirmation with a
// reason (audited by the server with the key's principal).

import { del, get, post, put } from './api.js';
import { action, badge, card, confirm, facts, h, time } from './ui.js';

export async function controls(args, reload) {
  const state = await get('/v1/controls');
  const stop = state.emergency_stop;
  const result = h('div', { class: 'result', id: 'controls-result' });
  const change = (title, text, call) => async () => {
    const reason = await confirm(title, text);
    if (reason === null) {
      return undefined;
    }
    await call(reason);
    await reload();
    return undefined;
  };
  return [
    h('h1', {}, 'Controls'),
    card(
      'Execution mode',
      facts([
        ['Mode', h('span', { id: 'controls-mode' }, badge(state.mode))],
        ['Effective mode', badge(state.effective_mode)],
        ['Healthy reads', state.healthy_reads],
        ['Changed', `${time(state.changed_at)} by ${state.changed_by || '—'}`],
      ]),
      h(
        'div',
        { class: 'actions' },
        state.mode === 'dry'
          ? action('Go live', result, change('Go live', 'Payouts and custody will send to providers and chains.', (reason) => put('/v1/controls/mode', { mode: 'live', reason })), { id: 'go-live' })
          : action('Go dry', result, change('Go dry', 'Nothing will leave the platform; payouts will be held.', (reason) => put('/v1/controls/mode', { mode: 'dry', reason })), { id: 'go-dry', class: 'danger' }),
      ),
    ),
    card(
      'Emergency stop',
      h(
        'p',
        { id: 'controls-stop' },
        stop
          ? [badge('engaged', 'danger'), ` scope ${stop.scope}, by ${stop.engaged_by} at ${time(stop.engaged_at)}: ${stop.reason}`]
          : badge('not engaged', 'ok'),
      ),
      h(
        'div',
        { class: 'actions' },
        stop
          ? action('Lift the emergency stop', result, change('Lift the emergency stop', 'Held payouts stay held until released.', (reason) => del('/v1/controls/emergency-stop', { reason })), { id: 'stop-lift' })
          : [
              action('Stop payouts', result, change('Engage the emergency stop (payouts)', 'No instance will start a submission to any connector; new payouts are held.', (reason) => post('/v1/controls/emergency-stop', { scope: 'payouts', reason })), { id: 'stop-payouts', class: 'danger' }),
              ' ',
              action('Stop everything', result, change('Engage the emergency stop (all)', 'Every money-moving write is refused with 423 until lifted.', (reason) => post('/v1/controls/emergency-stop', { scope: 'all', reason })), { id: 'stop-all', class: 'danger' }),
            ],
      ),
    ),
    result,
  ];
}
