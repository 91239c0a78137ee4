// The Monitor's drawings, in SVG: gauge, phasor (vector) diagram, four-quadrant power, bars.
// Each returns {el, update(values)}; update() changes attributes only, nothing is rebuilt. The
// ones given get(name) read a data's latest value as live.js decodes it ({value, stale, ...}).
import { svg, h } from '../dom.js';
import { formatValue, scaleUnit } from '../format.js';
import { formatNumber, t } from '../i18n.js';

const TAU = Math.PI * 2;
const polar = (cx, cy, r, a) => [cx + r * Math.cos(a), cy - r * Math.sin(a)];

// 1, 2, 5 x 10^n at or above v
function niceCeil(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((x) => x >= v);
}

function arcPath(cx, cy, r, a0, a1) {
  const [x0, y0] = polar(cx, cy, r, a0);
  const [x1, y1] = polar(cx, cy, r, a1);
  return `M${x0.toFixed(2)} ${y0.toFixed(2)}A${r} ${r} 0 ${Math.abs(a1 - a0) > Math.PI ? 1 : 0} 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

// A half-circle gauge whose scale grows to the largest value seen (no rated value is known).
export function gauge(label, unit) {
  const value = svg('path', { class: 'gauge-value', d: '' });
  const text = svg('text', { x: 60, y: 56, class: 'gauge-text', 'text-anchor': 'middle' }, '—');
  const maxText = svg('text', { x: 108, y: 76, class: 'gauge-scale', 'text-anchor': 'end' }, '');
  const el = h('figure.gauge',
    svg('svg', { viewBox: '0 0 120 80', role: 'img', 'aria-label': label },
      svg('path', { class: 'gauge-track', d: arcPath(60, 62, 48, Math.PI, 0) }), value, text,
      svg('text', { x: 12, y: 76, class: 'gauge-scale' }, '0'), maxText),
    h('figcaption', label));
  let max = 0;
  return {
    el,
    update(v, stale) {
      el.classList.toggle('stale', !!stale || v === null);
      text.textContent = formatValue(v, unit);
      if (v === null || !Number.isFinite(v)) { value.setAttribute('d', ''); return; }
      if (Math.abs(v) > max) { max = niceCeil(Math.abs(v) * 1.2); maxText.textContent = formatValue(max, unit).replace(/[.,]0+(?= |$)/, ''); }
      const frac = Math.min(1, Math.abs(v) / max);
      value.setAttribute('d', frac > 0.001 ? arcPath(60, 62, 48, Math.PI, Math.PI * (1 - frac)) : '');
    },
  };
}

// Phasors: voltages at 0, -120 and +120 degrees; currents displaced by phi = acos(PF), on the
// side the reactive power's sign gives (Q > 0: inductive, the current lags). The catalog has no
// measured angles, so the angles are derived from PF and Q; the legend says so.
export function phasor(label, withCurrents) {
  const size = 200, c = size / 2, r = 80;
  const group = svg('g');
  const el = h('figure.phasor',
    svg('svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label },
      svg('circle', { cx: c, cy: c, r, class: 'grid' }),
      svg('circle', { cx: c, cy: c, r: r / 2, class: 'grid' }),
      svg('line', { x1: c - r - 6, y1: c, x2: c + r + 6, y2: c, class: 'grid' }),
      svg('line', { x1: c, y1: c - r - 6, x2: c, y2: c + r + 6, class: 'grid' }), group),
    h('figcaption', label, withCurrents ? h('small', t('monitor.phasor_note')) : null));
  const arrow = (a, len, cls, name) => {
    const [x, y] = polar(c, c, len, a);
    const [lx, ly] = polar(c, c, len + 10, a);
    return [svg('line', { x1: c, y1: c, x2: x.toFixed(1), y2: y.toFixed(1), class: 'vec ' + cls }),
      svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, class: 'tip ' + cls }),
      svg('text', { x: lx.toFixed(1), y: (ly + 4).toFixed(1), class: 'vec-label ' + cls, 'text-anchor': 'middle' }, name)];
  };
  return {
    el,
    update(get) {
      const parts = [];
      const phases = [1, 2, 3];
      const base = [0, -TAU / 3, TAU / 3];
      const vs = phases.map((p) => get('IV' + p + 'Inst'));
      const vmax = Math.max(...vs.map((v) => (v.value > 0 ? v.value : 0)));
      let stale = false;
      phases.forEach((p, i) => {
        const v = vs[i];
        if (v.value === null) return;
        stale ||= v.stale;
        parts.push(...arrow(base[i], vmax ? r * (v.value / vmax) : r, 'v' + p + (v.stale ? ' stale' : ''), 'V' + p));
      });
      if (withCurrents) {
        const is = phases.map((p) => get('II' + p + 'Inst'));
        const imax = Math.max(...is.map((x) => (x.value > 0 ? x.value : 0)));
        phases.forEach((p, i) => {
          const cur = is[i];
          if (cur.value === null) return;
          const pf = get('IpF' + p + 'Inst').value ?? get('IpFSumInst').value ?? 1;
          const q = get('IQ' + p + 'Inst').value ?? get('IQSumInst').value ?? 0;
          const phi = Math.acos(Math.max(-1, Math.min(1, Math.abs(pf)))) * (q >= 0 ? 1 : -1) + (pf < 0 ? Math.PI : 0);
          stale ||= cur.stale;
          parts.push(...arrow(base[i] - phi, imax ? r * 0.75 * (cur.value / imax) : 0, 'i' + p + (cur.stale ? ' stale' : ''), 'I' + p));
        });
      }
      group.replaceChildren(...parts);
      el.classList.toggle('stale', stale);
    },
  };
}

// Four quadrants: P horizontal, Q vertical, the operating point inside the circle of S.
export function quadrant(label) {
  const size = 200, c = 100, r = 80;
  const point = svg('circle', { r: 5, class: 'op', cx: c, cy: c });
  const line = svg('line', { x1: c, y1: c, x2: c, y2: c, class: 'vec op-line' });
  const readout = h('p.readout', '—');
  const el = h('figure.quadrant',
    svg('svg', { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label },
      svg('circle', { cx: c, cy: c, r, class: 'grid' }),
      svg('line', { x1: 10, y1: c, x2: 190, y2: c, class: 'axis' }),
      svg('line', { x1: c, y1: 10, x2: c, y2: 190, class: 'axis' }),
      svg('text', { x: 192, y: c - 4, 'text-anchor': 'end', class: 'axis-label' }, '+P'),
      svg('text', { x: c + 4, y: 18, class: 'axis-label' }, '+Q'),
      svg('text', { x: 150, y: 40, class: 'q-label' }, 'Q1'), svg('text', { x: 40, y: 40, class: 'q-label' }, 'Q2'),
      svg('text', { x: 40, y: 170, class: 'q-label' }, 'Q3'), svg('text', { x: 150, y: 170, class: 'q-label' }, 'Q4'),
      line, point),
    h('figcaption', label), readout);
  return {
    el,
    update(p, q, s, stale) {
      el.classList.toggle('stale', !!stale);
      if (p === null || q === null) { readout.textContent = '—'; return; }
      const scale = Math.max(Math.abs(s ?? 0), Math.hypot(p, q)) || 1;
      const x = c + (r * p) / scale, y = c - (r * q) / scale;
      point.setAttribute('cx', x.toFixed(1)); point.setAttribute('cy', y.toFixed(1));
      line.setAttribute('x2', x.toFixed(1)); line.setAttribute('y2', y.toFixed(1));
      const quad = p >= 0 ? (q >= 0 ? 1 : 4) : (q >= 0 ? 2 : 3);
      readout.textContent = `Q${quad} · ${t('monitor.quadrant.' + quad)}`;
    },
  };
}

// Horizontal bars (THD): value in %, scale 0..max(10, largest).
export function bars(rows) {
  const items = rows.map(({ name, label }) => {
    const fill = h('span.bar-fill');
    const value = h('span.bar-value', '—');
    const row = h('div.bar-row', h('span.bar-label', label), h('span.bar-track', fill), value);
    return { name, row, fill, value };
  });
  return {
    el: h('div.bars', items.map((i) => i.row)),
    update(get) {
      const max = Math.max(10, ...items.map((i) => get(i.name).value ?? 0));
      for (const i of items) {
        const v = get(i.name);
        i.row.classList.toggle('stale', v.stale);
        i.value.textContent = v.value === null ? '—' : `${formatNumber(v.value, 1)} %`;
        i.fill.style.width = v.value === null ? '0' : `${Math.max(0, Math.min(100, (100 * v.value) / max))}%`;
      }
    },
  };
}

export { niceCeil, scaleUnit };
