// Admin > Configuration > Hierarchies (manual §8.5): the site's hierarchies (`hierarchies:` of
// the site file, docs/consumption.md), at most 10; create one with a name and a fluid (it gets
// its principal node), then build it in the editor (hierarchies/editor.js) by drag and drop.
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { mountTab, field, showErrors, list, status } from './editing.js';
import { hierarchyEditor } from './hierarchies/editor.js';

const MAX_HIERARCHIES = 10; // manual §8.5.1

export function render(container, ctx = {}) {
  let editor = null;
  return mountTab(container, 'cfg-hierarchies', (root, doc, running) => {
    show(root, doc, running);
    return () => editor?.destroy();
  });

  function show(root, doc, running) {
    const line = status();
    const slot = h('div.hier-slot');
    const fluids = [...new Set(['electricity', ...(running.sources || []).flatMap((s) => (s.circuits || []).map((c) => c.fluid))])];
    const hierarchies = () => list(doc.site.hierarchies);

    const open = (name) => {
      if (editor?.isDirty() && !confirm(t('config.unsaved'))) return;
      editor?.destroy();
      editor = null;
      const index = hierarchies().findIndex((x) => x.name === name);
      ctx.setParams?.(index >= 0 ? { h: name } : {});
      for (const b of root.querySelectorAll('.hier-tab')) b.setAttribute('aria-selected', String(b.dataset.name === name));
      if (index < 0) { clear(slot); return; }
      editor = hierarchyEditor({
        doc, running, index, setDirty: ctx.setDirty, onEdit: () => line.clear(),
        onSaved: (saved) => { redraw(saved); line.saved(); },
        onDeleted: () => { editor?.destroy(); editor = null; redraw(null); line.saved(); },
      });
      clear(slot).append(editor.el);
    };

    const createForm = () => {
      const name = h('input', { id: 'hier-new-name', required: true, maxlength: 80 });
      const fluid = h('select', { id: 'hier-new-fluid' }, fluids.map((f) => h('option', { value: f }, f)));
      const general = h('div.cfgx-general');
      const at = hierarchies().length;
      const form = h('form.card.cfgx-form.hier-new', { id: 'hier-new', novalidate: true },
        h('h3', t('cfgx.hier.create')),
        h('div.cfgx-grid', field(t('cfgx.hier.name'), name, `hierarchies[${at}].name`), field(t('cfgx.hier.fluid'), fluid, `hierarchies[${at}].fluid`),
          h('div.cfgx-buttons', h('button.btn.primary', { type: 'submit', id: 'hier-new-create' }, t('cfgx.hier.create_button')))),
        general);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const n = name.value.trim();
        if (!n) return showErrors(form, [{ path: `hierarchies[${at}].name`, message: t('cfgx.required') }], general);
        if (hierarchies().some((x) => x.name === n))
          return showErrors(form, [{ path: `hierarchies[${at}].name`, message: t('cfgx.hier.name_taken', { name: n }) }], general);
        // A new hierarchy with its principal node (manual §8.5.1 "Creating a new hierarchy").
        const result = await doc.change((site) => {
          site.hierarchies = list(site.hierarchies);
          site.hierarchies.push({ name: n, fluid: fluid.value, root: { name: n, loads: [], hierarchies: [], children: [] } });
        });
        if (!result.ok) return showErrors(form, result.errors, general);
        redraw(n);
        line.saved();
        return 0;
      });
      return form;
    };

    const redraw = (selected) => {
      editor?.destroy();
      editor = null;
      const tabs = hierarchies().map((x) => h('button.tab.hier-tab', { type: 'button', dataset: { name: x.name }, onclick: () => open(x.name) },
        x.name, h('small.muted', ` · ${x.fluid || 'electricity'}`)));
      clear(root).append(
        h('h2', t('cfgx.hier.title')),
        h('p.muted', t('cfgx.hier.about')),
        line.el,
        h('div.tabs.hier-tabs', { id: 'hier-tabs', role: 'group' }, tabs.length ? tabs : h('span.muted', t('cfgx.hier.none'))),
        hierarchies().length < MAX_HIERARCHIES ? createForm() : h('p.muted', t('cfgx.hier.max', { n: MAX_HIERARCHIES })),
        slot);
      clear(slot);
      if (selected) open(selected);
    };

    redraw(ctx.params?.h && hierarchies().some((x) => x.name === ctx.params.h) ? ctx.params.h : hierarchies()[0]?.name);
  }
}
