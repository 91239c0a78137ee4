// The tabs of a device's views, grouped by section (network, load, device), and the panel that
// shows the view chosen.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';

// views: [{id, section}] in the server's order; onSelect(id) when a tab is clicked.
export function viewTabs(views, onSelect) {
  const tabs = h('div.tabs', { role: 'tablist', 'aria-label': t('monitor.views') });
  const panel = h('section.view', { role: 'tabpanel', id: 'monitor-panel' });
  const sections = [];
  for (const v of views) {
    let s = sections.find((x) => x.id === v.section);
    if (!s) sections.push((s = { id: v.section, views: [] }));
    s.views.push(v);
  }
  const buttons = [];
  for (const s of sections) {
    tabs.append(h('span.tab-section', t('monitor.section.' + s.id)));
    for (const v of s.views) {
      const b = h('button.tab', { type: 'button', role: 'tab', id: 'tab-' + v.id, 'data-view': v.id, 'aria-controls': 'monitor-panel', onclick: () => onSelect(v.id) }, t('monitor.view.' + v.id));
      buttons.push(b);
      tabs.append(b);
    }
  }
  if (!views.length) panel.append(h('p.muted', t('monitor.no_views')));
  return {
    tabs,
    panel,
    // Marks the view's tab selected and puts the view's element in the panel.
    show(id, el) {
      for (const b of buttons) b.setAttribute('aria-selected', String(b.dataset.view === id));
      clear(panel).append(el);
      panel.setAttribute('aria-labelledby', 'tab-' + id);
    },
  };
}
