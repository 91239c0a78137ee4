// The partial energy reset (manual §4): a two-step button, then what the device answered.
import { api } from '../../api.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

export function resetControl(d) {
  const msg = h('p.reset-result', { role: 'status' });
  const confirm = h('button.btn.danger', { type: 'button', hidden: true, 'data-action': 'confirm-reset' }, t('monitor.partial_reset_confirm'));
  const cancel = h('button.btn', { type: 'button', hidden: true }, t('common.cancel'));
  const start = h('button.btn', { type: 'button', 'data-action': 'partial-reset' }, t('monitor.partial_reset_button'));
  const ask = (asking) => { start.hidden = asking; confirm.hidden = !asking; cancel.hidden = !asking; };
  start.onclick = () => { msg.textContent = t('monitor.partial_reset_question'); ask(true); };
  cancel.onclick = () => { msg.textContent = ''; ask(false); };
  confirm.onclick = async () => {
    confirm.disabled = true;
    msg.textContent = t('monitor.partial_reset_sending');
    try {
      await api.post('/energy/partial-reset', { source: d.desc.source, circuit: d.desc.circuit });
      msg.textContent = t('monitor.partial_reset_done');
      msg.dataset.state = 'done';
    } catch (err) {
      msg.textContent = t('monitor.partial_reset_failed', { why: err.message || String(err.status) });
      msg.dataset.state = 'failed';
    }
    confirm.disabled = false;
    ask(false);
  };
  return h('div.reset', h('p.muted', t('monitor.partial_reset_help')), msg, h('div.actions', start, confirm, cancel));
}
