// The configuration of the Trends page (manual §7.6): the devices chosen in the perimeter
// (several together), the data category, and the data ticked for them; overlay or stacked
// charts; the scale from 0 or min-max.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { dataLabel } from '../../format.js';
import { storedSeries } from '../../history.js';

export const CATEGORIES = ['measure', 'meter', 'status', 'alarm'];

const loadKey = (l) => `${l.source}/${l.circuit || 0}`;

// A curve's name in the legend, the table and the CSV: "diris-main/1 · P".
export const seriesLabel = (s) => `${s.source}${s.circuit ? '/' + s.circuit : ''} · ${dataLabel(s.data, s.description)}`;

export class Selection {
  // onChange(): the ticked series, the mode or the scale changed
  constructor({ onChange }) {
    this.onChange = onChange;
    this.loads = [];          // [{source, circuit}]
    this.category = 'measure';
    this.ticked = new Set();  // series ids
    this.mode = 'overlay';    // 'overlay' | 'stacked'
    this.scale = 'zero';      // 'zero' | 'minmax'
    this.series = [];         // stored series of the loads' sources
    this.devices = h('ul.trends-loads', { 'aria-label': t('trends.devices') });
    this.dataList = h('div.trends-data', { role: 'group', 'aria-label': t('trends.data') });
    const category = h('select', { id: 'trends-category', onchange: (e) => { this.category = e.target.value; this.renderData(); } },
      CATEGORIES.map((c) => h('option', { value: c }, t('trends.category.' + c))));
    this.categorySelect = category;
    const radio = (name, value, label) => h('label.inline', h('input', { type: 'radio', name, value, checked: this[name] === value,
      onchange: () => { this[name] = value; this.onChange(); } }), label);
    this.el = h('section.trends-selection', { 'aria-labelledby': 'trends-sel-title' },
      h('h2', { id: 'trends-sel-title' }, t('trends.selection')),
      h('h3', t('trends.devices')), this.devices,
      h('label', { for: 'trends-category' }, t('trends.category')), category,
      this.dataList,
      h('fieldset', h('legend', t('trends.display')),
        radio('mode', 'overlay', t('trends.overlay')), radio('mode', 'stacked', t('trends.stacked'))),
      h('fieldset', h('legend', t('trends.scale')),
        radio('scale', 'zero', t('trends.scale_zero')), radio('scale', 'minmax', t('trends.scale_minmax'))));
    this.renderDevices();
    this.renderData();
  }

  // Adds a load chosen in the perimeter (a second click on it does nothing).
  async addLoad(load) {
    if (!this.loads.some((l) => loadKey(l) === loadKey(load))) this.loads.push({ source: load.source, circuit: Number(load.circuit) || 0 });
    await this.refresh();
  }

  async removeLoad(load) {
    this.loads = this.loads.filter((l) => loadKey(l) !== loadKey(load));
    await this.refresh();
    this.onChange();
  }

  // The stored series of the loads' sources (device-wide data, circuit 0, included).
  // wanted: [{source, circuit, data}] to tick instead of the ticks kept (a favourite), before
  // the list is drawn: it is drawn once (~370 entries for 10 devices).
  async refresh(wanted = null) {
    const seq = (this.seq = (this.seq || 0) + 1);
    const sources = [...new Set(this.loads.map((l) => l.source))];
    let series;
    try {
      series = await storedSeries(sources);
    } catch {
      clear(this.dataList).append(h('p.error', { role: 'alert' }, t('error.load_failed')));
      return;
    }
    if (seq !== this.seq) return;
    this.series = series.filter((s) => this.loads.some((l) => l.source === s.source && (s.circuit === 0 || s.circuit === l.circuit)));
    if (wanted) {
      this.ticked = new Set(this.series.filter((s) => wanted.some((d) => d && d.source === s.source && d.circuit === s.circuit && d.data === s.data)).map((s) => s.id));
    } else {
      const known = new Set(this.series.map((s) => s.id));
      for (const id of [...this.ticked]) if (!known.has(id)) this.ticked.delete(id);
    }
    this.renderDevices();
    this.renderData();
  }

  renderDevices() {
    clear(this.devices).append(...[this.loads.length ? this.loads.map((l) => h('li',
      h('span', l.circuit ? `${l.source}/${l.circuit}` : l.source),
      h('button.iconbtn.small', { type: 'button', title: t('trends.remove_device'), 'aria-label': `${t('trends.remove_device')} ${l.source}`, onclick: () => this.removeLoad(l) }, '×')))
      : h('li.muted', t('trends.choose_device'))].flat());
  }

  renderData() {
    const shown = this.series.filter((s) => s.type === this.category);
    clear(this.dataList).append(...[shown.length ? shown.map((s) => h('label.check',
      h('input', { type: 'checkbox', value: String(s.id), 'data-series': String(s.id), checked: this.ticked.has(s.id),
        onchange: (e) => { if (e.target.checked) this.ticked.add(s.id); else this.ticked.delete(s.id); this.onChange(); } }),
      h('span', seriesLabel(s)), s.unit ? h('span.unit', s.unit) : null))
      : h('p.muted', this.loads.length ? t('trends.no_data') : '')].flat());
  }

  // The ticked series, in the order of the list.
  tickedSeries() { return this.series.filter((s) => this.ticked.has(s.id)); }

  // What a favourite keeps: names, not ids, so it still applies to a store rebuilt later.
  snapshot() {
    return {
      loads: this.loads, category: this.category, mode: this.mode, scale: this.scale,
      data: this.tickedSeries().map((s) => ({ source: s.source, circuit: s.circuit, data: s.data })),
    };
  }

  async apply(sel) {
    const valid = (v, list, dflt) => (list.includes(v) ? v : dflt);
    this.loads = Array.isArray(sel.loads) ? sel.loads.filter((l) => l && typeof l.source === 'string').map((l) => ({ source: l.source, circuit: Number(l.circuit) || 0 })) : [];
    this.category = valid(sel.category, CATEGORIES, 'measure');
    this.mode = valid(sel.mode, ['overlay', 'stacked'], 'overlay');
    this.scale = valid(sel.scale, ['zero', 'minmax'], 'zero');
    this.categorySelect.value = this.category;
    for (const r of this.el.querySelectorAll('input[type=radio]')) r.checked = this[r.name] === r.value;
    await this.refresh(Array.isArray(sel.data) ? sel.data : []);
    this.onChange();
  }
}
