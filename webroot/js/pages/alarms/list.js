// The result of the selection (manual §7.3 item 5): one page of rows, newest first, a pager, and
// check boxes for acknowledging a selection.
import { h, clear } from '../../dom.js';
import { formatDateTime, t } from '../../i18n.js';

export const timeText = (iso) => (iso ? formatDateTime(Date.parse(iso)) : '—');

// The row's status as a word: an alarm's ISA-18.2 state (and shelved / out of service), an
// event's running or ended.
export function statusText(row) {
  if (row.type === 'event') return t(row.state === 'active' ? 'alarms.status.active' : 'alarms.status.cleared');
  const flags = [t('alarms.isa.' + row.isa_state)];
  if (row.shelved) flags.push(t('alarms.status.shelved'));
  if (row.out_of_service) flags.push(t('alarms.status.out_of_service'));
  return flags.join(' · ');
}

export function rowsTable({ pageSize, onOpen, onPage, canAck }) {
  const body = h('tbody');
  const all = h('input', { type: 'checkbox', id: 'alarms-check-all', 'aria-label': t('alarms.select_all') });
  const summary = h('span.alarms-count', { id: 'alarms-count', role: 'status' });
  const prev = h('button.btn', { type: 'button', id: 'alarms-prev', onclick: () => onPage(-1) }, '◀ ' + t('alarms.prev'));
  const next = h('button.btn', { type: 'button', id: 'alarms-next', onclick: () => onPage(1) }, t('alarms.next') + ' ▶');
  const heads = ['raised', 'type', 'criticality', 'source', 'rule', 'message', 'status', 'acked_by'];
  const table = h('table.alarms-table', { id: 'alarms-table' },
    h('thead', h('tr', canAck ? h('th', all) : null, heads.map((k) => h('th', t('alarms.col.' + k))))), body);
  let rows = [];
  let openId = null;

  all.addEventListener('change', () => { for (const c of body.querySelectorAll('input[type=checkbox]:not(:disabled)')) c.checked = all.checked; });

  function show(page, total, offset) {
    rows = page;
    clear(body);
    all.checked = false;
    for (const r of rows) {
      const ackable = r.type === 'alarm' && !r.acked;
      const tr = h('tr', { dataset: { id: String(r.id), type: r.type, criticality: r.criticality }, class: r.id === openId ? 'open' : null, onclick: (e) => {
        if (e.target.closest('input')) return;
        openId = r.id;
        for (const x of body.children) x.classList.toggle('open', x === tr);
        onOpen(r);
      } },
      canAck ? h('td', h('input', { type: 'checkbox', value: String(r.id), disabled: !ackable, 'aria-label': t('alarms.select_row', { id: r.id }) })) : null,
      h('td.time', timeText(r.raised)),
      h('td', t('alarms.type.' + r.type)),
      h('td', h('span.crit', { dataset: { level: r.criticality } }, t('alarms.criticality.' + r.criticality))),
      h('td', r.source || '—'),
      h('td', h('div', r.rule), h('div.muted', t('alarms.category.' + r.category))),
      h('td', r.type === 'alarm' ? r.message : t('alarms.event_text', { kind: t('alarms.category.' + r.category), depth: (r.depth_pct ?? 0).toFixed(1) })),
      h('td.status', { dataset: { status: r.type === 'alarm' ? r.isa_state : r.state } }, statusText(r)),
      h('td', r.acked_by || ''));
      body.append(tr);
    }
    if (!rows.length) body.append(h('tr', h('td.muted', { colspan: heads.length + (canAck ? 1 : 0) }, t('alarms.none'))));
    summary.textContent = total ? t('alarms.range', { from: offset + 1, to: offset + rows.length, total }) : '';
    prev.disabled = offset <= 0;
    next.disabled = offset + pageSize >= total;
  }
  const selectedIds = () => [...body.querySelectorAll('input[type=checkbox]:checked')].map((c) => Number(c.value));
  const el = h('div.alarms-list', h('div.alarms-table-pane', table), h('div.alarms-pager', prev, summary, next));
  return { el, show, selectedIds, close: () => { openId = null; } };
}
