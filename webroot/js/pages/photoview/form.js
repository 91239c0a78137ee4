// The form of one Photoview element (manual §8.6.1): Measure (device, circuit, ticked data among
// those the device has, title), Text
// (text, colours), Devices (per device or per location, symbol or zone), Link (a page).
// onDone gets the elements made: one, or one per device of a location.
import { api } from '../../api.js';
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
      const circuit = h('select', { name: 'circuit' });
      const title = h('input', { name: 'title', value: item.title || '', maxlength: 200 });
      const ticked = new Set(item.data || []);
      const list = h('fieldset.pv-data', { 'aria-busy': 'true' }, h('legend', t('photoview.data')));
      let boxes = [];
      const fillCircuits = () => {
        const s = sources.find((x) => x.name === source.value);
        const circuits = s?.circuits || [];
        // The device as a whole (circuit 0) is offered when it has no circuits or the element had it.
        const whole = !circuits.length || (item.circuit === 0 && item.source === source.value);
        circuit.replaceChildren(...(whole ? [h('option', { value: '0' }, t('photoview.whole_device'))] : []),
          ...circuits.map((c) => h('option', { value: String(c.index) }, c.name ? `${c.index} – ${c.name}` : String(c.index))));
        if (item.source === source.value && item.circuit !== undefined) circuit.value = String(item.circuit);
      };
      // Only the data the chosen device has for that circuit (as its Monitor lists them).
      let asked = 0;
      const fillData = async () => {
        const mine = ++asked;
        list.setAttribute('aria-busy', 'true');
        let names = [];
        try {
          names = (await api.get('/monitor', { source: source.value, circuit: circuit.value })).data.map((d) => d.name);
        } catch { /* an unknown device: nothing to tick */ }
        if (mine !== asked) return;
        for (const b of boxes) { // keep the user's ticks across a change of device or circuit
          const box = b.querySelector('input');
          if (box.checked) ticked.add(box.value); else ticked.delete(box.value);
        }
        boxes = [...new Set(names)].filter((n) => catalog.has(n) && catalog.get(n).enabled !== false).map((n) =>
          h('label.pv-check', h('input', { type: 'checkbox', value: n, checked: ticked.has(n) }), dataName(n, catalog.get(n))));
        list.replaceChildren(h('legend', t('photoview.data')), ...boxes);
        list.setAttribute('aria-busy', 'false');
      };
      source.addEventListener('change', () => { fillCircuits(); fillData(); });
      circuit.addEventListener('change', fillData);
      fillCircuits();
      fillData();
      body = [field(t('photoview.device'), source), field(t('photoview.circuit'), circuit), field(t('photoview.title'), title), list];
      collect = () => {
        const data = boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
        if (!data.length) return null;
        return [{ ...item, source: source.value, circuit: Number(circuit.value), data, title: title.value }];
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
