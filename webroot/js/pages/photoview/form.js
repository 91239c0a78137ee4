// The form of one Photoview element (manual §8.6.1): Measure (device, ticked data, title), Text
// (text, colours), Devices (per device or per location, symbol or zone), Link (a page).
// onDone gets the elements made: one, or one per device of a location.
import { h } from '../../dom.js';
import { t } from '../../i18n.js';
import { dataName } from './values.js';

const field = (label, input) => h('label.pv-field', h('span', label), input);

export function elementForm(item, { site, catalog, pages, onDone, onCancel }) {
  const sources = site?.sources || [];
  const sourceSelect = (value) => h('select', { name: 'source' }, sources.map((s) =>
    h('option', { value: s.name, selected: s.name === value }, s.location ? `${s.name} (${s.location})` : s.name)));
  let body;
  let collect;
  switch (item.kind) {
    case 'measure': {
      const source = sourceSelect(item.source);
      const title = h('input', { name: 'title', value: item.title || '', maxlength: 200 });
      const ticked = new Set(item.data || []);
      const boxes = [...catalog.values()].filter((c) => c.enabled !== false).map((c) =>
        h('label.pv-check', h('input', { type: 'checkbox', value: c.name, checked: ticked.has(c.name) }), dataName(c.name, c)));
      body = [field(t('photoview.device'), source), field(t('photoview.title'), title), h('fieldset.pv-data', h('legend', t('photoview.data')), boxes)];
      collect = () => {
        const data = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
        if (!data.length) return null;
        const s = sources.find((x) => x.name === source.value);
        return [{ ...item, source: source.value, circuit: item.source === source.value ? item.circuit ?? 0 : (s?.circuits[0]?.index ?? 0), data, title: title.value }];
      };
      break;
    }
    case 'text': {
      const text = h('textarea', { name: 'text', maxlength: 1000 });
      text.value = item.text || '';
      const color = h('input', { type: 'color', name: 'color', value: item.color || '#000000' });
      const background = h('input', { type: 'color', name: 'background', value: item.background || '#ffffff' });
      const none = h('input', { type: 'checkbox', name: 'nobackground', checked: !item.background && item.text !== undefined });
      body = [field(t('photoview.text'), text), field(t('photoview.color'), color), field(t('photoview.background_color'), background),
        h('label.pv-check', none, t('photoview.no_background'))];
      collect = () => (text.value.trim() ? [{ ...item, text: text.value, color: color.value, background: none.checked ? '' : background.value }] : null);
      break;
    }
    case 'device': {
      const locations = [...new Set(sources.map((s) => s.location).filter(Boolean))];
      const per = h('select', { name: 'per' }, h('option', { value: 'device' }, t('photoview.per_device')),
        item.source ? null : h('option', { value: 'location' }, t('photoview.per_location')));
      const source = sourceSelect(item.source);
      const location = h('select', { name: 'location' }, locations.map((l) => h('option', { value: l }, l)));
      const style = h('select', { name: 'style' }, ['symbol', 'zone'].map((s) => h('option', { value: s, selected: s === item.style }, t('photoview.style.' + s))));
      body = [field(t('photoview.add'), per), field(t('photoview.device'), source), field(t('photoview.location'), location), field(t('photoview.style'), style)];
      collect = () => {
        if (per.value === 'device') return [{ ...item, source: source.value, style: style.value }];
        // one element per device of the location, side by side from the drop point
        return sources.filter((s) => s.location === location.value).map((s, i) =>
          ({ ...item, source: s.name, style: style.value, x: Math.min(1 - item.w, item.x + i * item.w * 1.1) }));
      };
      break;
    }
    default: { // link
      const target = h('select', { name: 'page' }, pages.map((p) => h('option', { value: p.id, selected: p.id === item.page }, p.name)));
      body = [field(t('photoview.target_page'), target)];
      collect = () => (target.value ? [{ ...item, page: Number(target.value) }] : null);
    }
  }
  const problem = h('p.error', { role: 'alert', hidden: true });
  return h('form.pv-form', { 'data-kind': item.kind, onsubmit: (e) => {
    e.preventDefault();
    const made = collect();
    if (!made || !made.length) { problem.hidden = false; problem.textContent = t('photoview.incomplete'); return; }
    onDone(made);
  } }, h('h3', t('photoview.kind.' + item.kind)), body, problem,
  h('div.pv-form-buttons', h('button.btn.primary', { type: 'submit' }, t('photoview.ok')),
    h('button.btn', { type: 'button', onclick: onCancel }, t('photoview.cancel'))));
}
