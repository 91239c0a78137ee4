// The pie of the shares (manual §7.5 "circular diagram"): each shown part's total over the
// period, as SVG slices drawn here (uPlot has no pie; a few arcs do not justify a second chart
// library). A negative part (unmeasured below its loads) has no slice; the legend lists it.
import { svg, h } from '../../dom.js';
import { formatNumber } from '../../i18n.js';
import { formatValue } from '../../format.js';

const R = 90;

// A legend's colour square, styled through the CSSOM (the CSP refuses inline style attributes).
export function swatch(colour) {
  const el = h('span.swatch');
  el.style.background = colour;
  return el;
}

function slice(from, to, colour, title) {
  const point = (a) => `${(Math.sin(a) * R).toFixed(2)} ${(-Math.cos(a) * R).toFixed(2)}`;
  const d = to - from >= 2 * Math.PI - 1e-9
    ? `M 0 ${-R} A ${R} ${R} 0 1 1 0 ${R} A ${R} ${R} 0 1 1 0 ${-R} Z`
    : `M 0 0 L ${point(from)} A ${R} ${R} 0 ${to - from > Math.PI ? 1 : 0} 1 ${point(to)} Z`;
  return svg('path', { d, fill: colour, stroke: '#fff', 'stroke-width': 1 }, svg('title', title));
}

// parts: [{name, colour, total}]
export function pie(parts, unit) {
  const positive = parts.filter((p) => p.total > 0);
  const sum = positive.reduce((a, p) => a + p.total, 0);
  let angle = 0;
  const slices = positive.map((p) => {
    const a = (p.total / sum) * 2 * Math.PI;
    const s = slice(angle, angle + a, p.colour, `${p.name}: ${formatValue(p.total, unit)}`);
    angle += a;
    return s;
  });
  return h('figure.consumption-pie',
    svg('svg', { viewBox: `${-R - 2} ${-R - 2} ${2 * R + 4} ${2 * R + 4}`, width: 200, height: 200, role: 'img' }, slices),
    h('ul', parts.map((p) => h('li', { 'data-part': p.name }, swatch(p.colour), h('span', p.name),
      h('span.share', sum > 0 && p.total > 0 ? `${formatNumber((p.total / sum) * 100, 1)} %` : '—')))));
}
