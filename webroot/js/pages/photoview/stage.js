// One Photoview page drawn: its background and its elements placed as fractions of the image
// (left = x × width...), so they sit at the same spot of the picture at any screen size.
// Every text of the page goes in with textContent: names and titles are never markup.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { qualityText } from '../../format.js';
import { dataName, formatValue } from './values.js';

// Puts `el` at the element's fractions of the stage.
export function place(el, e) {
  el.style.left = `${e.x * 100}%`;
  el.style.top = `${e.y * 100}%`;
  el.style.width = `${e.w * 100}%`;
  el.style.height = `${e.h * 100}%`;
}

// The stage of `page`: {el, update(live), setAlarms(map source->criticality), nodes: Map id->el}.
// actions: {openDevice(source, circuit), openPage(id), pageExists(id), catalog: Map name->entry}
export function drawStage(page, actions) {
  const image = page.image;
  const stage = h('div.pv-stage', { 'data-page': String(page.id) });
  if (image) {
    stage.style.aspectRatio = `${image.width} / ${image.height}`;
    stage.append(h('img.pv-background', { src: image.url, alt: '', draggable: 'false' }));
  } else {
    stage.style.aspectRatio = '16 / 9';
    stage.append(h('p.pv-noimage.muted', t('photoview.no_image')));
  }
  const nodes = new Map();
  const cells = []; // {el, source, circuit, data}
  for (const e of page.elements) {
    const el = drawElement(e, actions, cells);
    place(el, e);
    el.dataset.id = e.id;
    el.dataset.kind = e.kind;
    nodes.set(e.id, el);
    stage.append(el);
  }
  return {
    el: stage,
    nodes,
    sources: [...new Set(page.elements.filter((e) => e.kind === 'measure').map((e) => e.source))],
    update(live) {
      for (const c of cells) {
        const v = live(c.source, c.circuit, c.data);
        c.el.textContent = formatValue(v, actions.catalog.get(c.data));
        c.el.dataset.quality = v.stale ? 'stale' : v.quality;
        c.el.title = v.stale ? t('photoview.stale') : qualityText(v.quality);
      }
    },
    setAlarms(worst) {
      for (const el of stage.querySelectorAll('.pv-device')) {
        const c = worst.get(el.dataset.source);
        if (c) el.dataset.alarm = c; else delete el.dataset.alarm;
      }
    },
  };
}

function drawElement(e, actions, cells) {
  switch (e.kind) {
    case 'measure': {
      const rows = e.data.map((d) => {
        const value = h('td.pv-value', '—');
        cells.push({ el: value, source: e.source, circuit: e.circuit, data: d });
        return h('tr', h('th', dataName(d, actions.catalog.get(d))), value);
      });
      return h('button.pv-el.pv-measure', { type: 'button', onclick: () => actions.openDevice(e.source, e.circuit) },
        h('table', h('caption', e.title || e.source), h('tbody', rows)));
    }
    case 'text': {
      const el = h('div.pv-el.pv-text', e.text);
      el.style.color = e.color || '';
      el.style.background = e.background || 'transparent';
      return el;
    }
    case 'device':
      return h(`button.pv-el.pv-device.pv-${e.style}`, { type: 'button', 'data-source': e.source, title: e.source,
        onclick: () => actions.openDevice(e.source, 0) },
      e.style === 'symbol' ? [icon('monitor'), h('span', e.source)] : h('span.pv-zone-label', e.source));
    case 'link': {
      const exists = actions.pageExists(e.page);
      const el = h('button.pv-el.pv-link', { type: 'button', disabled: !exists,
        onclick: () => actions.openPage(e.page) }, icon('chevron'), h('span', exists ? actions.pageName(e.page) : t('photoview.missing_page')));
      if (!exists) el.classList.add('pv-broken');
      return el;
    }
    default:
      return h('div.pv-el');
  }
}

export { clear };
