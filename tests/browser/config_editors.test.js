// The configuration tabs Models, Custom data, Hierarchies and Alarm rules (issue 15, manual
// §8.2-8.5) in a real browser against the real server: every save goes through PUT
// /api/v1/config and is applied as a reload. A hierarchy drawn in the editor (drag and drop,
// links in the direction of flow, a meter link, a rename) is saved, passes `gridscope check`
// and gives consumption over history imported before the start; a custom data and a custom
// model are saved and served by the running site; an alarm rule's threshold edited on the page
// is the one the alarm engine fires with; invalid values show a field error beside the field
// and leave the file untouched; predefined models cannot be edited.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Site, build, launchBrowser, login, screenshot } from './harness.js';
import { writeIndexCsv, importCsv } from './consumption_fill.js';

process.env.TZ = 'Europe/Paris';
const DAY = [Date.parse('2026-11-01T23:00:00Z'), Date.parse('2026-11-03T23:00:00Z')]; // 2 and 3 November, Paris
const RULES = `
alarms:
  - {name: hvac-freq, data: IFreqInst, sources: [hvac], high: 1000, criticality: low}
`;
const ADMIN = 'admin password 1';
const SAVED = { timeout: 45000 }; // a PUT waits for a reload under way (docs/api.md: up to 30 s)
const site = new Site({
  plugins: ['storage_rocksdb: {}'],
  beforeRun: (s) => {
    writeFileSync(s.siteFile, readFileSync(s.siteFile, 'utf8') + RULES);
    s.setPassword('admin', ADMIN);
    // Per quarter: HVAC 100-160 Wh, lighting 40-44 Wh, the main board feeding both and 25 Wh more.
    const csv = writeIndexCsv(s.dataDir, {
      'hvac/1': (i) => 100 + (i % 7) * 10,
      'lighting/1': (i) => 40 + (i % 5),
      'diris-main/1': (i) => 100 + (i % 7) * 10 + 40 + (i % 5) + 25,
    }, [DAY]);
    importCsv(build, s.siteFile, s.dataDir, csv);
  },
});
let browser;
let page;

before(async () => {
  await site.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
  page.on('dialog', (d) => d.accept());
  await login(page, site.url, 'admin', ADMIN);
});

after(async () => {
  await browser?.close();
  await site.stop();
  site.cleanup();
});

const apiGet = (path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p);
  return { status: r.status, body: await r.json().catch(() => null) };
}, path);

// A fresh load of a tab; the web server restarts just after a save, so a refused load is
// tried again.
async function openTab(tab, ready) {
  for (let i = 1; ; i++) {
    try {
      await page.goto('about:blank');
      await page.goto(`${site.url}/#/config?tab=${tab}`);
      await page.waitForSelector(ready, { timeout: 5000 });
      return;
    } catch (e) {
      if (i >= 20) throw e;
      await page.waitForTimeout(1000);
    }
  }
}

const siteText = () => readFileSync(site.siteFile, 'utf8');

function gridscopeCheck() {
  return spawnSync(join(build, 'bin/gridscope'), ['check', '--config', site.siteFile], { encoding: 'utf8', timeout: 60000 });
}

// Polls fn until it returns a truthy value (bounded: a save's reload takes seconds at load). The web server restarts just after a save
// (docs/api.md, PUT /config): a refused request is tried again.
async function eventually(what, fn, timeoutMs = 60000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// The centre of an element on the screen; the drawing is redrawn as checks come back, so an
// element found may be replaced before it is measured: look again.
async function center(selector) {
  await page.waitForSelector(selector);
  for (let i = 0; i < 50; i++) {
    const box = await page.locator(selector).first().boundingBox().catch(() => null);
    if (box) return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.waitForTimeout(50);
  }
  throw new Error('no box for ' + selector);
}

// Drags a palette brick and lets it go over the drawing at (dx, dy) from its top-left corner.
async function dropBrick(selector, dx, dy) {
  const from = await center(selector);
  const canvas = await (await page.$('#hier-canvas')).boundingBox();
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(canvas.x + dx, canvas.y + dy, { steps: 6 });
  await page.mouse.up();
}

const brick = (name) => `#hier-canvas g.hier-brick[data-name="${name}"]`;

// Draws a link from the handle under brick `from` to brick `to`.
async function link(from, to) {
  const id = await page.getAttribute(brick(from), 'data-id');
  const start = await center(`#hier-canvas circle[data-handle="${id}"]`);
  const end = await center(brick(to));
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 8 });
  await page.mouse.up();
  await page.waitForSelector(`#hier-canvas path.hier-link[data-from-name="${from}"][data-to-name="${to}"]`, { state: 'attached' });
}

// The checks listed under the drawing once the server's validation of the last change is in
// (the server may be restarting after the hierarchy's creation: the editor tries again).
async function checksSettled() {
  await page.waitForFunction(() => document.querySelector('#hier-checks:not([data-pending])')?.children.length > 0, null, { timeout: 30000 });
  return page.$$eval('#hier-checks li', (els) => els.map((e) => ({ level: e.className, text: e.textContent })));
}

describe('configuration editors', () => {
  test('a hierarchy drawn in the editor is saved, passes gridscope check and gives consumption', async () => {
    await openTab('hierarchies', '#hier-new');
    await page.fill('#hier-new-name', 'Floors');
    await page.selectOption('#hier-new-fluid', 'electricity');
    await page.click('#hier-new-create');
    await page.waitForSelector('.hier-editor[data-hierarchy="Floors"] ' + brick('Floors'), SAVED);
    assert.match(siteText(), /name: Floors/);

    // The main board feeds the principal node: a meter link, and its unmeasured point appears.
    await dropBrick('#hier-loads li[data-name="diris-main/1"]', 60, 20);
    await page.waitForSelector(brick('diris-main/1'));
    await link('diris-main/1', 'Floors');
    await page.waitForSelector('#hier-canvas .hier-unmeasured[data-node="Floors"]');
    assert.ok(await page.$('#hier-canvas path.hier-link.meter'));

    // A dropped brick linked to nothing is flagged on the drawing, and the save is refused.
    await dropBrick('#hier-node-brick li', 420, 260);
    await page.waitForSelector(brick('Node 1'));
    let checks = await checksSettled();
    assert.ok(checks.some((c) => c.level.includes('error') && c.text.includes('Node 1')), JSON.stringify(checks));
    assert.equal(await page.getAttribute(brick('Node 1'), 'data-check'), 'error');
    const before = siteText();
    await page.click('#hier-save');
    await page.waitForSelector('#hier-message.error');
    assert.equal(siteText(), before);

    // Node 1 under the principal node; renamed by clicking it.
    await link('Floors', 'Node 1');
    await page.click(brick('Node 1'));
    await page.fill('#hier-node-name', 'Roof');
    await page.waitForSelector(brick('Roof'));
    await dropBrick('#hier-loads li[data-name="hvac/1"]', 420, 400);
    await link('Roof', 'hvac/1');
    await dropBrick('#hier-loads li[data-name="lighting/1"]', 700, 260);
    await link('Floors', 'lighting/1');
    // A link against the flow is refused: a load feeds no load.
    const hvacId = await page.getAttribute(brick('hvac/1'), 'data-id');
    const start = await center(`#hier-canvas circle[data-handle="${hvacId}"]`);
    const end = await center(brick('lighting/1'));
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(end.x, end.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('#hier-message.error');

    // The consumption checks of the server on the graph: a node name used twice in the hierarchy.
    await page.click(brick('Roof'));
    await page.fill('#hier-node-name', 'Floors');
    checks = await checksSettled();
    assert.ok(checks.some((c) => c.level.includes('error') && /already used/.test(c.text)), JSON.stringify(checks));
    await page.waitForSelector(`${brick('Floors')}[data-check="error"]`);
    await page.fill('#hier-node-name', 'Roof');
    checks = await checksSettled();
    assert.ok(checks.every((c) => !c.level.includes('error')), JSON.stringify(checks));
    await screenshot(page, 'config-hierarchy-editor');

    await page.click('#hier-save');
    await page.waitForSelector('.cfgx-saved', SAVED);
    assert.match(siteText(), /meter: diris-main\/1/);
    const check = gridscopeCheck();
    assert.equal(check.status, 0, check.stderr + check.stdout);

    // Applied without a restart: the running site's hierarchy and its consumption for 2 November.
    const running = await eventually('the hierarchy in the running site', async () => {
      const r = await apiGet('/site');
      // The saved drawing (a PUT answers before its reload is in force; the first save of
      // 'Floors' had no meter yet).
      return r.body?.hierarchies?.find((x) => x.name === 'Floors' && x.root?.meter);
    });
    assert.equal(running.root.meter, 'diris-main/1');
    assert.deepEqual(running.root.loads, ['lighting/1']);
    assert.deepEqual(running.root.children.map((c) => [c.name, c.loads]), [['Roof', ['hvac/1']]]);
    const q = new URLSearchParams({ hierarchy: 'Floors', from: '2026-11-02T00:00:00+01:00', to: '2026-11-03T00:00:00+01:00', bucket: 'day' });
    const cons = await apiGet('/consumption?' + q);
    assert.equal(cons.status, 200, JSON.stringify(cons.body));
    const [day] = cons.body.buckets;
    const part = (name) => day.parts.find((p) => p.name === name)?.value;
    // 96 quarters: HVAC Σ(100 + (i % 7) × 10), lighting Σ(40 + i % 5), unmeasured 25 each.
    let hvac = 0, lighting = 0;
    for (let i = 0; i < 96; i++) { hvac += 100 + (i % 7) * 10; lighting += 40 + (i % 5); }
    assert.equal(part('Roof'), hvac);
    assert.equal(part('lighting/1'), lighting);
    assert.equal(part('unmeasured'), 25 * 96);
    assert.equal(day.value, hvac + lighting + 25 * 96);
    assert.equal(day.parts.reduce((s, p) => s + p.value, 0), day.value);

    // Opened again, the drawing is the saved tree.
    await openTab('hierarchies&h=Floors', brick('Roof'));
    assert.ok(await page.$('#hier-canvas path.hier-link[data-from-name="Roof"][data-to-name="hvac/1"]'));
  });

  test('predefined models cannot be edited', async () => {
    await openTab('models', '#cfg-models-predefined');
    const ids = await page.$$eval('#cfg-models-predefined tbody tr', (rows) => rows.map((r) => r.dataset.id));
    assert.deepEqual(ids.sort(), ['load_curve', 'metered_energy', 'metrology', 'quality']);
    assert.equal(await page.$$('#cfg-models-predefined [data-action=edit], #cfg-models-predefined [data-action=delete]').then((x) => x.length), 0);
    await page.click('#cfg-models-predefined tr[data-id=metrology] [data-action=view]');
    await page.waitForSelector('#cfg-model-form[data-readonly=true]');
    assert.equal(await page.$('#cfg-model-save'), null);
    const enabled = await page.$$eval('#cfg-model-form input, #cfg-model-form select', (els) => els.filter((e) => !e.disabled && e.type !== 'search').length);
    assert.equal(enabled, 0);
    assert.ok(await page.isChecked('#cfg-model-form input[value=IFreqInst]'));
  });

  test('a custom data and a custom model are saved and served by the running site', async () => {
    await openTab('custom-data', '#cfg-data-add');
    await page.click('#cfg-data-add');
    await page.selectOption('#cfg-data-type', 'measure');
    await page.selectOption('#cfg-data-group', 'temperature');
    await page.fill('#cfg-data-name', 'CabinetTemperature');
    await page.fill('#cfg-data-description', 'Temperature inside the cabinet');
    await page.fill('#cfg-data-unit', '°C');
    await page.click('#cfg-data-save');
    await page.waitForSelector('#cfg-data-custom tr[data-name=CabinetTemperature]', SAVED);

    await openTab('models', '#cfg-model-add');
    await page.click('#cfg-model-add');
    await page.fill('#cfg-model-name', 'Cabinet');
    assert.equal(await page.inputValue('#cfg-model-id'), 'cabinet');
    await page.fill('#cfg-model-hours', '0');
    await page.fill('#cfg-model-minutes', '5');
    await page.fill('#cfg-model-seconds', '0');
    await page.check('#cfg-model-datalogger');
    await page.fill('#cfg-model-data-search', 'Cabinet');
    await page.check('#cfg-model-form input[value=CabinetTemperature]');
    await page.fill('#cfg-model-data-search', 'IV1Inst');
    await page.check('#cfg-model-form input[value=IV1Inst]');
    await page.click('#cfg-model-save');
    await page.waitForSelector('#cfg-models-custom tr[data-id=cabinet]', SAVED);

    const catalog = await eventually('the custom data in the catalog', async () =>
      (await apiGet('/catalog')).body?.catalog?.find((d) => d.name === 'CabinetTemperature'));
    assert.deepEqual([catalog.type, catalog.group, catalog.unit, catalog.custom], ['measure', 'temperature', '°C', true]);
    const model = await eventually('the custom model in the running site', async () =>
      (await apiGet('/config/site')).body?.models?.find((m) => m.id === 'cabinet'));
    assert.deepEqual([model.name, model.history_period_s, model.datalogger, model.history, model.custom], ['Cabinet', 300, true, true, true]);
    assert.deepEqual(model.data.sort(), ['CabinetTemperature', 'IV1Inst']);
    assert.equal(gridscopeCheck().status, 0);
  });

  test('invalid values show a field error beside the field and leave the file untouched', async () => {
    // A model whose history period is 0 s.
    await openTab('models', '#cfg-models-custom');
    await page.click('#cfg-models-custom tr[data-id=cabinet] [data-action=edit]');
    await page.fill('#cfg-model-minutes', '0');
    let before = siteText();
    await page.click('#cfg-model-save');
    const periodError = await page.waitForSelector('#cfg-model-form .cfgx-period + .field-error', SAVED);
    assert.match(await periodError.textContent(), /at least 1 second/);
    assert.equal(siteText(), before);

    // An alarm rule's deadband that is not one.
    await openTab('alarm-rules', '#cfg-rules');
    await page.click('#cfg-rules tr[data-name=hvac-freq] [data-action=edit]');
    await page.fill('#rule-deadband', 'lots');
    before = siteText();
    await page.click('#rule-save');
    const error = await page.waitForSelector('#rule-deadband + .field-error', SAVED);
    assert.match(await error.textContent(), /deadband/);
    assert.equal(await page.getAttribute('#rule-deadband', 'aria-invalid'), 'true');
    assert.equal(siteText(), before);
    await screenshot(page, 'config-field-error');
  });

  test('an alarm rule edited on the page takes effect in the alarm engine', async () => {
    await openTab('alarm-rules', '#cfg-rules');
    assert.match(await page.textContent('#cfg-rules tr[data-name=hvac-freq] td.thresholds'), /1000/);
    await page.click('#cfg-rules tr[data-name=hvac-freq] [data-action=edit]');
    await page.fill('#rule-high', '10'); // the virtual meter's frequency is about 50 Hz
    await page.selectOption('#rule-high-criticality', 'high');
    await page.fill('#rule-deadband', '2%');
    await page.fill('#rule-on-delay-s', '0');
    await page.click('#rule-save');
    await page.waitForSelector('.cfgx-saved', SAVED);
    assert.match(await page.textContent('#cfg-rules tr[data-name=hvac-freq] td.thresholds'), /10 \(High\)/);
    assert.equal(gridscopeCheck().status, 0);

    const row = await eventually('the alarm raised with the new threshold', async () => {
      const r = await apiGet('/alarms?type=alarm&source=hvac&limit=10');
      return r.body?.items?.find((x) => x.rule === 'hvac-freq' && x.state === 'active');
    });
    assert.deepEqual(row.thresholds, [{ level: 'high', value: 10, criticality: 'high' }]);
    assert.equal(row.deadband, '2%');
    assert.equal(row.criticality, 'high');
  });
});
