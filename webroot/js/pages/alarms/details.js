// The details of the row opened (manual §7.3 items 7-8): rule, thresholds, deadband and
// delays, times raised / acknowledged / cleared, who acknowledged, values; for an event its
// depth, duration and phases. The actions the profile may take: acknowledge (Advanced, Admin),
// shelve / unshelve (Advanced, Admin), out of service (Admin). Users only read.
import { h, clear } from '../../dom.js';
import { formatNumber, t } from '../../i18n.js';
import { statusText, timeText } from './list.js';

const SHELVE_S = [900, 3600, 4 * 3600, 8 * 3600];
const num = (v, digits = 2) => (v === null || v === undefined ? '—' : formatNumber(v, digits));

function fields(r) {
  const common = [['type', t('alarms.type.' + r.type)], ['rule', r.rule], ['category', t('alarms.category.' + r.category)],
    ['source', r.source ? `${r.source}${r.circuit ? ' / ' + r.circuit : ''}` : '—'],
    ['criticality', t('alarms.criticality.' + r.criticality)], ['status', statusText(r)]];
  if (r.type === 'event') {
    return [...common, ['start', timeText(r.raised)], ['end', timeText(r.cleared)],
      ['duration', r.duration_s === null ? '—' : `${num(r.duration_s, 1)} s`],
      ['nominal', `${num(r.nominal_v, 1)} V`], ['extreme', `${num(r.extreme_v, 1)} V (${num(r.extreme_pct, 1)} %)`],
      ['depth', `${num(r.depth_pct, 1)} %`], ['phases', r.phases.join(', ')], ['method', r.method]];
  }
  const thresholds = (r.thresholds || []).map((x) => `${x.level}: ${num(x.value, 3)} (${t('alarms.criticality.' + x.criticality)})`).join('; ');
  return [...common, ['data', r.data || '—'], ['value', num(r.value, 3)], ['limit', num(r.limit, 3)],
    ['thresholds', thresholds || '—'], ['deadband', r.deadband ?? '—'],
    ['delays', t('alarms.delays', { on: r.on_delay_s ?? 0, off: r.off_delay_s ?? 0 })],
    ['raised', timeText(r.raised)], ['cleared', timeText(r.cleared)], ['acked_at', timeText(r.acked_at)],
    ['acked_by', r.acked_by || '—'], ['ack_comment', r.ack_comment || '—'], ['activations', r.activations],
    ['message', r.message]];
}

// actions: {acknowledge(ids, comment), shelve(id, s), unshelve(id), outOfService(rule, out)}
export function detailsPanel({ can, actions, onClose }) {
  const el = h('aside.alarms-details', { id: 'alarms-details', hidden: true, 'aria-label': t('alarms.details') });
  function show(r) {
    clear(el);
    el.hidden = !r;
    if (!r) return;
    el.dataset.id = String(r.id);
    el.append(h('div.alarms-details-head', h('h2', t('alarms.details')),
      h('button.iconbtn.small', { type: 'button', id: 'alarms-details-close', 'aria-label': t('alarms.close'), onclick: onClose }, '×')));
    el.append(h('dl', fields(r).map(([k, v]) => [h('dt', t('alarms.field.' + k)), h('dd', { dataset: { field: k } }, String(v))])));
    if (r.type !== 'alarm') return;
    const box = h('div.alarms-actions');
    if (can('alarm_acknowledge')) {
      if (!r.acked) {
        const comment = h('input', { id: 'alarms-ack-comment', maxlength: 1024, placeholder: t('alarms.comment') });
        box.append(h('label', t('alarms.comment'), comment),
          h('button.btn.primary', { type: 'button', id: 'alarms-ack', onclick: () => actions.acknowledge([r.id], comment.value) }, t('alarms.acknowledge')));
      }
      if (r.shelved) {
        box.append(h('button.btn', { type: 'button', id: 'alarms-unshelve', onclick: () => actions.unshelve(r.id) }, t('alarms.unshelve')));
      } else if (r.state === 'active' || !r.acked) {
        const duration = h('select', { id: 'alarms-shelve-duration' },
          SHELVE_S.map((s) => h('option', { value: s }, t('alarms.shelve_for', { min: s / 60 }))));
        box.append(h('div.inline', duration,
          h('button.btn', { type: 'button', id: 'alarms-shelve', onclick: () => actions.shelve(r.id, Number(duration.value)) }, t('alarms.shelve'))));
      }
    }
    if (can('alarm_out_of_service')) {
      box.append(h('button.btn', { type: 'button', id: 'alarms-oos', onclick: () => actions.outOfService(r.rule, !r.out_of_service) },
        t(r.out_of_service ? 'alarms.back_in_service' : 'alarms.out_of_service')));
    }
    if (box.children.length) el.append(box);
  }
  return { el, show };
}
