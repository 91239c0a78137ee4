// Monitor (manual §7.2): the live values of the device or circuit chosen in the perimeter, in the
// views the device can fill (the server lists them: GET /api/v1/monitor).
import { api } from '../api.js';
import { h, clear } from '../dom.js';
import { formatDateTime, formatNumber, formatTime, t, tOr } from '../i18n.js';
import { dataLabel, formatValue, qualityText } from '../format.js';
import { LiveFeed } from '../live.js';
import { Perimeter } from '../perimeter.js';
import { bars, gauge, phasor, quadrant } from '../widgets/charts.js';

const NONE = Object.freeze({ v: null, s: true, q: 'none', t: null });
const PHASES = [1, 2, 3];

export async function render(main, { params, can }) {
  const content = h('div.content.monitor');
  let device = null; // {desc, values, units, feed, views, current}
  const perimeter = new Perimeter({
    views: ['location', 'usage', 'fluid'],
    selected: params.source ? { source: params.source, circuit: Number(params.circuit) || undefined } : null,
    onSelect: ({ source, circuit }) => open(source, circuit, null),
  });
  main.append(h('div.workspace', perimeter.el, content));
  perimeter.load();

  function close() {
    device?.feed.stop();
    cancelAnimationFrame(device?.frame);
    device = null;
  }

  let opening = 0; // the latest open() wins when selections overlap
  async function open(source, circuit, view) {
    close();
    const token = ++opening;
    const q = { source };
    if (circuit) q.circuit = circuit;
    history.replaceState(null, '', '#/monitor?' + new URLSearchParams(view ? { ...q, view } : q));
    clear(content).append(perimeter.toggleButton, h('p.muted', t('monitor.loading')));
    let desc, first;
    try {
      // The description and the first values together: one round trip to the first render.
      [desc, first] = await Promise.all([api.get('/monitor', q), api.get('/live', { source }).catch(() => null)]);
    } catch (err) {
      if (token !== opening) return;
      clear(content).append(perimeter.toggleButton, h('p.error', { role: 'alert' }, err.status === 404 ? t('monitor.unknown_device') : t('error.load_failed')));
      return;
    }
    if (token !== opening) return;
    const d = { desc, can: can || (() => false), values: new Map(), units: new Map(desc.data.map((x) => [x.name, x.unit])), meta: new Map(desc.data.map((x) => [x.name, x])), connected: false, frame: 0 };
    device = d;
    d.get = (name) => {
      const v = d.values.get(desc.circuit + '/' + name) || d.values.get('0/' + name) || NONE;
      return d.connected || v === NONE ? v : { ...v, s: true };
    };
    const status = h('span.live-status', { role: 'status', 'data-state': 'connecting' }, t('monitor.connecting'));
    const tabs = h('div.tabs', { role: 'tablist', 'aria-label': t('monitor.views') });
    const panel = h('section.view', { role: 'tabpanel', id: 'monitor-panel' });
    const title = h('div.monitor-title',
      h('h1', desc.circuit_name && desc.circuit_name !== desc.source ? `${desc.circuit_name}` : desc.source),
      h('p.muted', [desc.source, desc.profile.model || desc.profile.name, desc.profile.maker].filter(Boolean).join(' · ')));
    clear(content).append(h('div.monitor-head', perimeter.toggleButton, title, status), tabs, panel);

    const sections = [];
    for (const v of desc.views) {
      let s = sections.find((x) => x.id === v.section);
      if (!s) sections.push((s = { id: v.section, views: [] }));
      s.views.push(v);
    }
    const buttons = [];
    for (const s of sections) {
      tabs.append(h('span.tab-section', t('monitor.section.' + s.id)));
      for (const v of s.views) {
        const b = h('button.tab', { type: 'button', role: 'tab', id: 'tab-' + v.id, 'data-view': v.id, 'aria-controls': 'monitor-panel', onclick: () => show(v.id) }, t('monitor.view.' + v.id));
        buttons.push(b);
        tabs.append(b);
      }
    }
    if (!desc.views.length) panel.append(h('p.muted', t('monitor.no_views')));

    function show(id) {
      const v = desc.views.find((x) => x.id === id) || desc.views[0];
      if (!v) return;
      for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.view === v.id));
      history.replaceState(null, '', '#/monitor?' + new URLSearchParams({ ...q, view: v.id }));
      d.current = VIEWS[v.id](v, d);
      clear(panel).append(d.current.el);
      panel.setAttribute('aria-labelledby', 'tab-' + v.id);
      d.current.update();
    }

    // Repaints at most once per frame; the first values are painted at once.
    const schedule = (now) => {
      if (d.frame || device !== d) return;
      const paint = () => {
        d.frame = 0;
        if (device !== d) return;
        const snapStale = d.lastSnap?.stale ?? true;
        status.dataset.state = !d.connected ? 'offline' : snapStale ? 'stale' : 'live';
        status.textContent = !d.connected ? t('monitor.reconnecting')
          : snapStale ? (d.lastSnap?.ts ? t('monitor.stale_since', { time: formatDateTime(d.lastSnap.ts) }) : t('monitor.no_data'))
            : t('monitor.live', { time: formatTime(d.lastSnap.ts) });
        d.current?.update();
      };
      if (now) paint();
      else d.frame = requestAnimationFrame(paint);
    };
    d.feed = new LiveFeed([source], (snap) => {
      if (device !== d) return;
      for (const v of snap.values) d.values.set(v.c + '/' + v.d, v);
      const first = !d.lastSnap;
      d.lastSnap = snap;
      d.connected = true;
      schedule(first);
    }, (state) => {
      if (state === 'ended') { window.dispatchEvent(new CustomEvent('gs:unauthenticated')); return; }
      d.connected = state === 'live';
      schedule();
    });
    show(params.view && device === d ? params.view : desc.views[0]?.id);
    params.view = null;
    try { await d.feed.start(first ? [first] : null); } catch { d.connected = false; schedule(); }
  }

  if (params.source) open(params.source, params.circuit, params.view);
  else content.append(perimeter.toggleButton, h('div.empty', h('h1', t('page.monitor')), h('p', t('monitor.choose_device'))));
  return () => { close(); perimeter.destroy(); };
}

// ---------------------------------------------------------------------------------------------
// Building blocks

// Ea+ per tariff period: value, share of the sum, and the period in progress marked.
function tariffTable(d, names) {
  const rows = names.map((name) => {
    const n = Number(/(\d+)/.exec(name)[1]);
    const s = valueSpan(d, name);
    const share = h('span.share-pct');
    const bar = h('span.share-bar');
    return { n, name, s, share, bar, row: h('tr', { 'data-tariff': n }, h('th', { scope: 'row' }, t('monitor.tariff', { n })), h('td.num', s.el), h('td', h('div.share', bar, share))) };
  });
  const el = h('table.data.tariffs', h('caption', t('monitor.tariffs_caption')),
    h('thead', h('tr', h('th', { scope: 'col' }, ''), h('th.num', { scope: 'col' }, t('monitor.energy.EaP')), h('th', { scope: 'col' }, t('monitor.tariff_share')))),
    h('tbody', rows.map((r) => r.row)));
  return {
    el,
    update() {
      const now = d.get('ITariffInProgress');
      const values = rows.map((r) => d.get(r.name));
      const total = values.reduce((a, v) => a + (Number.isFinite(v.v) ? v.v : 0), 0);
      rows.forEach((r, i) => {
        r.s.update();
        const v = values[i].v;
        const pct = total > 0 && Number.isFinite(v) ? (100 * v) / total : null;
        r.share.textContent = pct == null ? '—' : formatNumber(pct, 1) + ' %';
        r.bar.style.width = pct == null ? '0' : pct.toFixed(1) + '%';
        const active = !now.s && now.v === r.n;
        r.row.classList.toggle('current', active);
        r.row.title = active ? t('monitor.tariff_current') : '';
      });
    },
  };
}

// The partial energy reset (§4): a two-step button, then what the device answered.
function resetControl(d) {
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

// A value that follows the live table: text, stale marking and a tooltip with quality and time.
function valueSpan(d, name) {
  const el = h('span.value', { 'data-name': name }, '—');
  return {
    el,
    update() {
      const v = d.get(name);
      el.textContent = formatValue(v.v, d.units.get(name) ?? '');
      el.classList.toggle('stale', !!v.s);
      el.classList.toggle('nodata', v.v === null);
      el.dataset.quality = v.q;
      el.title = v.v === null ? t('monitor.never_received')
        : `${qualityText(v.q)} · ${formatDateTime(v.t)}${v.s ? ' · ' + t('monitor.stale') : ''}`;
    },
  };
}

function group(parts) {
  return { el: null, update() { for (const p of parts) p.update(); } };
}

function label(d, name) {
  return dataLabel(name, d.meta.get(name)?.description);
}

// A table of data: one row per name present (label, value, unit kept in the value).
function dataTable(d, names, caption) {
  const cells = [];
  const rows = names.filter((n) => d.meta.has(n)).map((n) => {
    const v = valueSpan(d, n);
    cells.push(v);
    return h('tr', h('th', { scope: 'row' }, label(d, n)), h('td.num', v.el));
  });
  if (!rows.length) return null;
  const el = h('table.data', caption ? h('caption', caption) : null,
    h('thead', h('tr', h('th', { scope: 'col' }, t('monitor.col.data')), h('th.num', { scope: 'col' }, t('monitor.col.value')))), h('tbody', rows));
  return { el, update: group(cells).update };
}

function card(title, ...children) {
  return h('div.card', title ? h('h2', title) : null, ...children);
}

function view(parts, ...layout) {
  const live = parts.filter(Boolean);
  return { el: h('div.view-grid', ...layout), update() { for (const p of live) p.update(); } };
}

const has = (v, name) => v.data.includes(name);

function gauges(d, v, names) {
  return names.filter((n) => has(v, n)).map((n) => {
    const g = gauge(label(d, n), d.units.get(n) ?? '');
    return { el: g.el, update: () => { const x = d.get(n); g.update(x.v, x.s); } };
  });
}

// ---------------------------------------------------------------------------------------------
// The views, by id (monitor.cpp lists which a device has)

const VIEWS = {
  'network-summary'(v, d) {
    const ph = phasor(t('monitor.vector_diagram'), false);
    const phase = { el: ph.el, update: () => ph.update(d.get) };
    const type = h('p.big', d.desc.network_type || '—');
    const freq = has(v, 'IFreqInst') ? valueSpan(d, 'IFreqInst') : null;
    const table = dataTable(d, v.data, t('monitor.voltages'));
    return view([phase, freq, table],
      card(t('monitor.network_type'), type, freq ? h('p', t('data.IFreqInst') + ' ', freq.el) : null),
      card(t('monitor.vector_diagram'), phase.el), table ? card(null, table.el) : null);
  },

  'network-quality'(v, d) {
    const b = bars(v.data.map((n) => ({ name: n, label: label(d, n) })));
    return view([{ update: () => b.update(d.get) }],
      card(t('monitor.thd_uv'), b.el, h('p.muted', t('monitor.harmonics_unavailable'))));
  },

  'load-summary'(v, d) {
    const parts = [];
    const blocks = [];
    if (['II1Inst', 'II2Inst', 'II3Inst'].some((n) => has(v, n))) {
      const ph = phasor(t('monitor.vector_diagram'), true);
      parts.push({ update: () => ph.update(d.get) });
      blocks.push(card(t('monitor.vector_diagram'), ph.el));
    }
    if (has(v, 'IPSumInst') && has(v, 'IQSumInst')) {
      const qd = quadrant(t('monitor.four_quadrant'));
      parts.push({ update: () => { const p = d.get('IPSumInst'), q = d.get('IQSumInst'), s = d.get('ISSumInst'); qd.update(p.v, q.v, s.v, p.s || q.s); } });
      blocks.push(card(t('monitor.four_quadrant'), qd.el));
    }
    const table = dataTable(d, ['IPSumInst', 'IQSumInst', 'ISSumInst', 'IpFSumInst', 'II1Inst', 'II2Inst', 'II3Inst', 'IInInst'].filter((n) => has(v, n)), t('monitor.load_type', { type: d.desc.network_type || '—' }));
    return view([...parts, table], ...blocks, table ? card(null, table.el) : null);
  },

  'load-currents-voltages'(v, d) {
    const ig = gauges(d, v, ['II1Inst', 'II2Inst', 'II3Inst', 'IInInst']);
    const vnames = PHASES.some((p) => has(v, `IV${p}Inst`)) ? ['IV1Inst', 'IV2Inst', 'IV3Inst'] : ['IU12Inst', 'IU23Inst', 'IU31Inst'];
    const vg = gauges(d, v, vnames);
    const table = dataTable(d, v.data, t('monitor.table'));
    return view([...ig, ...vg, table],
      ig.length ? card(t('monitor.currents'), h('div.gauges', ig.map((g) => g.el))) : null,
      vg.length ? card(t('monitor.voltages'), h('div.gauges', vg.map((g) => g.el))) : null,
      table ? card(null, table.el) : null);
  },

  'load-power'(v, d) {
    const g = gauges(d, v, ['IPSumInst', 'IQSumInst', 'ISSumInst']);
    // Per phase and total: P, Q, S, PF (cos phi: no displacement factor in the catalog), tan phi = Q/P
    const rows = [...PHASES.map((p) => ({ key: String(p), P: `IP${p}Inst`, Q: `IQ${p}Inst`, S: `IS${p}Inst`, PF: `IpF${p}Inst` })),
      { key: 'sum', P: 'IPSumInst', Q: 'IQSumInst', S: 'ISSumInst', PF: 'IpFSumInst' }]
      .filter((r) => ['P', 'Q', 'S', 'PF'].some((k) => has(v, r[k])));
    const cells = [];
    const body = rows.map((r) => {
      const tds = ['P', 'Q', 'S', 'PF'].map((k) => {
        if (!has(v, r[k])) return h('td.num', '—');
        const s = valueSpan(d, r[k]);
        cells.push(s);
        return h('td.num', s.el);
      });
      const tan = h('span.value', '—');
      cells.push({ update() {
        const p = d.get(r.P), q = d.get(r.Q);
        const ok = p.v !== null && q.v !== null && Math.abs(p.v) > 1e-9;
        tan.textContent = ok ? formatNumber(q.v / p.v, 3) : '—';
        tan.classList.toggle('stale', !ok || p.s || q.s);
      } });
      return h('tr', h('th', { scope: 'row' }, t('monitor.phase.' + r.key)), tds, h('td.num', tan));
    });
    const table = h('table.data', h('caption', t('monitor.table')),
      h('thead', h('tr', h('th', { scope: 'col' }, ''), ['P', 'Q', 'S', 'cos φ', 'tan φ'].map((c) => h('th.num', { scope: 'col' }, c)))), h('tbody', body));
    const extra = dataTable(d, v.data.filter((n) => n.startsWith('IPred')), t('monitor.predicted'));
    return view([...g, group(cells), extra],
      g.length ? card(t('monitor.power'), h('div.gauges', g.map((x) => x.el))) : null,
      rows.length ? card(null, table) : null, extra ? card(null, extra.el) : null);
  },

  'load-energy'(v, d) {
    // Ea+, Ea-, Er+, Er-, Es: total and, where the device has them, the partial meters; then
    // Ea+ on tariff periods (IEaPTariffNInst, current period ITariffInProgress) and the partial
    // energy reset for the profiles that declare it (manual §4, Advanced user and Admin).
    const kinds = ['EaP', 'EaN', 'ErP', 'ErN', 'Es'];
    const partial = kinds.some((k) => has(v, `I${k}PartialInst`));
    const cells = [];
    const cell = (name) => {
      if (!has(v, name)) return h('td.num', '—');
      const s = valueSpan(d, name);
      cells.push(s);
      return h('td.num', s.el);
    };
    const rows = kinds.filter((k) => has(v, `I${k}Inst`) || has(v, `I${k}PartialInst`)).map((k) =>
      h('tr', h('th', { scope: 'row' }, t('monitor.energy.' + k)), cell(`I${k}Inst`), partial ? cell(`I${k}PartialInst`) : null));
    const table = h('table.data.energy', h('caption', t('monitor.energy_table')),
      h('thead', h('tr', h('th', { scope: 'col' }, ''), h('th.num', { scope: 'col' }, t('monitor.energy.total')),
        partial ? h('th.num', { scope: 'col' }, t('monitor.energy.partial')) : null)), h('tbody', rows));
    const parts = [group(cells)];
    const tariffs = v.data.filter((n) => /^IEaPTariff\d+Inst$/.test(n));
    let tariffCard = null;
    if (tariffs.length) {
      const tt = tariffTable(d, tariffs);
      parts.push(tt);
      tariffCard = card(null, tt.el);
    }
    let resetCard = null;
    if (partial && d.desc.commands?.includes('partial_energy_reset') && d.can('partial_energy_reset')) {
      const r = resetControl(d);
      resetCard = card(t('monitor.partial_reset'), r);
    }
    return view(parts, card(null, table), tariffCard, resetCard);
  },

  'load-quality'(v, d) {
    const b = bars(v.data.map((n) => ({ name: n, label: label(d, n) })));
    return view([{ update: () => b.update(d.get) }],
      card(t('monitor.thd_i'), b.el, h('p.muted', t('monitor.harmonics_unavailable'))));
  },

  'load-inputs'(v, d) {
    const table = dataTable(d, v.data, t('monitor.view.load-inputs'));
    return view([table], card(null, table.el));
  },

  'atys-status'(v, d) {
    // Position: 1 = O (open), 2 = I (source 1), 3 = II (source 2)  (profiles/socomec/atys-pm.yaml)
    const stateText = (name) => {
      const x = d.get(name);
      if (x.v === null) return '—';
      const states = d.meta.get(name)?.states;
      const key = String(Math.round(x.v));
      return states?.[key] ?? tOr(`atys.${name}.${key}`, key);
    };
    const diagram = h('div.atys', { role: 'img', 'aria-label': t('monitor.view.atys-status') },
      h('div.atys-source', { 'data-source': '1' }, h('strong', t('atys.source1')), h('span.atys-state')),
      h('div.atys-source', { 'data-source': '2' }, h('strong', t('atys.source2')), h('span.atys-state')),
      h('div.atys-switch', h('span.atys-pos', '—')),
      h('div.atys-load', h('strong', t('atys.load'))));
    const rows = v.data.map((n) => {
      const value = h('span.value', '—');
      return { n, value, row: h('tr', h('th', { scope: 'row' }, label(d, n)), h('td', value)) };
    });
    const update = () => {
      const pos = d.get('AtysSwitchPosition');
      diagram.dataset.position = pos.v === null ? 'unknown' : String(Math.round(pos.v));
      diagram.classList.toggle('stale', pos.s);
      diagram.querySelector('.atys-pos').textContent = stateText('AtysSwitchPosition');
      diagram.querySelectorAll('.atys-source').forEach((el) => { el.querySelector('.atys-state').textContent = stateText(`AtysSource${el.dataset.source}State`); });
      for (const r of rows) {
        const x = d.get(r.n);
        r.value.textContent = stateText(r.n);
        r.value.classList.toggle('stale', x.s);
        r.value.classList.toggle('nodata', x.v === null);
      }
    };
    return view([{ update }], card(t('monitor.view.atys-status'), diagram),
      card(null, h('table.data', h('caption', t('monitor.states')), h('tbody', rows.map((r) => r.row)))));
  },

  'data-table'(v, d) {
    const cells = [];
    const rows = v.data.map((n) => {
      const s = valueSpan(d, n);
      const q = h('td.quality');
      const time = h('td.num');
      cells.push(s, { update() { const x = d.get(n); q.textContent = qualityText(x.q); time.textContent = x.t ? formatTime(x.t) : '—'; } });
      return h('tr', h('th', { scope: 'row' }, label(d, n)), h('td.muted', d.meta.get(n)?.description ?? ''), h('td.num', s.el), q, time);
    });
    const table = h('table.data.full', h('caption', t('monitor.view.data-table')),
      h('thead', h('tr', ['col.data', 'col.description', 'col.value', 'col.quality', 'col.time'].map((k) => h('th', { scope: 'col' }, t('monitor.' + k))))),
      h('tbody', rows));
    return view([group(cells)], card(null, table));
  },
};
