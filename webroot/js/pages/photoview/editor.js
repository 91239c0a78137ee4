// The Photoview editor (Admin, manual §8.6): a toolbox whose Measure, Text, Devices and Link
// are dragged onto the image (or clicked: placed in the middle), elements moved and resized with
// the pointer, edited in a form, deleted, undone; the background uploaded; links to pages that
// no longer exist listed; measure tables show live values. Nothing is stored until Save (PUT
// /photoview/pages/{id}). Returns the function that stops its live feed.
import { api } from '../../api.js';
import { h, clear } from '../../dom.js';
import { t } from '../../i18n.js';
import { drawStage } from './stage.js';
import { elementForm } from './form.js';
import { feedStage } from './values.js';

const KINDS = ['measure', 'text', 'device', 'link'];
const SIZES = { measure: [0.16, 0.12], text: [0.14, 0.05], device: [0.06, 0.08], link: [0.12, 0.05] };
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const round = (v) => Math.round(v * 1e4) / 1e4;

export function openEditor(frame, { page, pages, catalog, calls, message, done }) {
  const state = { name: page.name, symbol: page.symbol, image: page.image, elements: structuredClone(page.elements) };
  const undo = [];
  let selected = null;
  let site = null;
  const ready = api.get('/site').then((s) => { site = s; });

  const remember = () => { undo.push(JSON.stringify(state.elements)); undoButton.disabled = false; };
  const nameInput = h('input', { id: 'pv-name', value: state.name, maxlength: 64, oninput: (e) => { state.name = e.target.value; } });
  const fileInput = h('input', { type: 'file', id: 'pv-image', accept: 'image/png,image/jpeg,image/svg+xml', onchange: upload });
  const undoButton = h('button.btn', { type: 'button', id: 'pv-undo', disabled: true, onclick: () => {
    if (!undo.length) return;
    state.elements = JSON.parse(undo.pop());
    undoButton.disabled = !undo.length;
    selected = null;
    redraw();
  } }, t('photoview.undo'));
  const deleteButton = h('button.btn', { type: 'button', id: 'pv-remove', disabled: true, onclick: () => removeSelected() }, t('photoview.remove'));
  const editButton = h('button.btn', { type: 'button', id: 'pv-change', disabled: true, onclick: () => editSelected() }, t('photoview.change'));
  const broken = h('div.pv-broken-list', { role: 'alert', hidden: true });
  const toolbox = h('div.pv-toolbox', { 'aria-label': t('photoview.toolbox') }, h('h3', t('photoview.toolbox')),
    KINDS.map((k) => h('button.pv-tool', { type: 'button', draggable: 'true', 'data-kind': k,
      ondragstart: (e) => e.dataTransfer.setData('text/x-photoview', k),
      onclick: () => addAt(k, 0.5, 0.5) }, t('photoview.kind.' + k))),
    h('hr'), editButton, deleteButton, undoButton);
  const holder = h('div.pv-edit-stage');
  const formHolder = h('div.pv-form-holder');
  frame.append(h('div.pv-editor',
    h('div.pv-edit-head',
      h('label', { for: 'pv-name' }, t('photoview.page_name')), nameInput,
      h('label', { for: 'pv-image' }, t('photoview.background')), fileInput,
      h('button.btn.primary', { type: 'button', id: 'pv-save', onclick: save }, t('photoview.save')),
      h('button.btn', { type: 'button', id: 'pv-cancel', onclick: () => done(null) }, t('photoview.cancel'))),
    broken,
    h('div.pv-edit-body', toolbox, holder, formHolder)));

  let stage = null;
  // One live feed (values.js) for the stages redrawn: restarted only when the devices shown
  // change, so redraws open no new streams; a new stage gets the last values and colours at once.
  let feed = null; // {key, stop}
  let last = { live: null, worst: null };
  const shown = {
    sources: [],
    update(live) { last.live = live; stage.update(live); },
    setAlarms(worst) { last.worst = worst; stage.setAlarms(worst); },
  };
  function follow() {
    const key = stage.sources.join('\n');
    if (feed?.key === key) {
      if (last.live) stage.update(last.live);
      if (last.worst) stage.setAlarms(last.worst);
      return;
    }
    feed?.stop();
    shown.sources = stage.sources;
    last = { live: null, worst: null };
    feed = { key, stop: feedStage(shown, (state) => frame.classList.toggle('pv-offline', state !== 'live')) };
  }
  function redraw() {
    stage = drawStage({ ...page, image: state.image, elements: state.elements }, {
      catalog, openDevice() {}, openPage() {},
      pageExists: (id) => pages.some((p) => p.id === id), pageName: (id) => pages.find((p) => p.id === id)?.name || '',
    });
    stage.el.classList.add('pv-editing');
    stage.el.addEventListener('dragover', (e) => e.preventDefault());
    stage.el.addEventListener('drop', (e) => {
      e.preventDefault();
      const kind = e.dataTransfer.getData('text/x-photoview');
      if (!KINDS.includes(kind)) return;
      const r = stage.el.getBoundingClientRect();
      addAt(kind, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    });
    for (const [id, el] of stage.nodes) {
      el.tabIndex = 0;
      el.classList.toggle('pv-selected', id === selected);
      el.append(h('span.pv-handle', { 'aria-hidden': 'true' }));
      el.addEventListener('pointerdown', (e) => startDrag(e, id, el));
      el.addEventListener('dblclick', () => { select(id); editSelected(); });
      el.addEventListener('keydown', (e) => { if (e.key === 'Delete') { select(id); removeSelected(); } });
    }
    clear(holder).append(stage.el);
    follow(); // the measure tables show live values while being placed, as in the viewer
    const missing = state.elements.filter((e) => e.kind === 'link' && !pages.some((p) => p.id === e.page));
    broken.hidden = !missing.length;
    clear(broken).append(missing.length ? t('photoview.broken_links', { n: missing.length }) : '');
    editButton.disabled = deleteButton.disabled = !selected;
  }

  function select(id) {
    selected = id;
    for (const [i, el] of stage.nodes) el.classList.toggle('pv-selected', i === id);
    editButton.disabled = deleteButton.disabled = !selected;
  }

  // Moves (or, from the corner handle, resizes) an element; fractions kept inside the image.
  function startDrag(e, id, el) {
    e.preventDefault();
    select(id);
    const item = state.elements.find((x) => x.id === id);
    const r = stage.el.getBoundingClientRect();
    const resize = e.target.classList.contains('pv-handle');
    const start = { ...item, px: e.clientX, py: e.clientY };
    let moved = false;
    const move = (m) => {
      const dx = (m.clientX - start.px) / r.width;
      const dy = (m.clientY - start.py) / r.height;
      if (!moved && Math.abs(m.clientX - start.px) + Math.abs(m.clientY - start.py) < 3) return;
      if (!moved) remember();
      moved = true;
      if (resize) {
        item.w = round(clamp(start.w + dx, 0.01, 1 - item.x));
        item.h = round(clamp(start.h + dy, 0.01, 1 - item.y));
      } else {
        item.x = round(clamp(start.x + dx, 0, 1 - item.w));
        item.y = round(clamp(start.y + dy, 0, 1 - item.h));
      }
      el.style.left = `${item.x * 100}%`; el.style.top = `${item.y * 100}%`;
      el.style.width = `${item.w * 100}%`; el.style.height = `${item.h * 100}%`;
    };
    const up = () => { window.removeEventListener('pointermove', move); window.removeEventListener('pointerup', up); };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  async function addAt(kind, fx, fy) {
    await ready;
    const [w, hh] = SIZES[kind];
    const base = { kind, x: round(clamp(fx - w / 2, 0, 1 - w)), y: round(clamp(fy - hh / 2, 0, 1 - hh)), w, h: hh };
    showForm(base, (made) => {
      remember();
      for (const m of made) state.elements.push({ ...m, id: freeId() });
      redraw();
    });
  }

  function editSelected() {
    const item = state.elements.find((x) => x.id === selected);
    if (!item) return;
    showForm(item, ([changed]) => {
      remember();
      Object.assign(item, changed);
      redraw();
    });
  }

  function removeSelected() {
    if (!selected) return;
    remember();
    state.elements = state.elements.filter((x) => x.id !== selected);
    selected = null;
    redraw();
  }

  function showForm(item, onDone) {
    clear(formHolder).append(elementForm(item, { site, catalog, pages, onDone: (made) => { clear(formHolder); onDone(made); },
      onCancel: () => clear(formHolder) }));
  }

  function freeId() {
    let n = 1;
    while (state.elements.some((e) => e.id === 'e' + n)) n += 1;
    return 'e' + n;
  }

  async function upload() {
    const file = fileInput.files[0];
    if (!file) return;
    message.textContent = '';
    message.classList.remove('error');
    try {
      const saved = await calls.upload(page.id, file);
      state.image = saved.image;
      redraw();
      message.textContent = t('photoview.image_saved');
    } catch (err) {
      message.classList.add('error');
      message.textContent = t('photoview.image_refused', { why: err.message });
    }
    fileInput.value = '';
  }

  async function save() {
    message.classList.remove('error');
    try {
      const saved = await calls.save({ id: page.id, name: state.name.trim(), symbol: state.symbol, elements: state.elements });
      done(saved);
    } catch (err) {
      message.classList.add('error');
      message.textContent = err.message;
    }
  }

  redraw();
  return () => { feed?.stop(); feed = null; };
}
