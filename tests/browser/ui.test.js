// The web UI in a real browser: each profile logs in, a User cannot reach the configuration,
// the Monitor of a simulated DIRIS shows live values that change, stale values look stale.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Site, launchBrowser, login, screenshot } from './harness.js';

const site = new Site();
let browser;
let page;

before(async () => {
  await site.start();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => { throw e; });
});

after(async () => {
  await browser?.close();
  await site.stop();
  site.cleanup();
});

async function fresh(viewport) {
  await browser.context.clearCookies();
  await page.goto('about:blank');
  await page.setViewportSize(viewport || { width: 1920, height: 1080 });
}

const tiles = () => page.$$eval('.home .tile', (els) => els.map((e) => e.dataset.page));

describe('login and profiles', () => {
  test('admin login is refused until a password is set, and the page says how', async () => {
    await fresh();
    await page.goto(site.url + '/#/login');
    await page.selectOption('#login-profile', 'admin');
    const notice = await page.textContent('#login-notice');
    assert.match(notice, /gridscope passwd --config <site file> --profile admin/);
    assert.equal(await page.isDisabled('form.login-card button[type=submit]'), true);
    await screenshot(page, 'login-admin-no-password');
    const r = await page.evaluate(async () => (await fetch('/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ profile: 'admin', password: 'Admin' }) })).status);
    assert.equal(r, 403);
  });

  test('User logs in without a password and cannot reach configuration', async () => {
    await fresh();
    await login(page, site.url, 'user');
    assert.deepEqual(await tiles(), ['monitor', 'alarms', 'photoview', 'consumption', 'trends']);
    assert.equal(await page.$('[data-nav=config]'), null);
    await screenshot(page, 'home-user');
    await page.goto(site.url + '/#/config');
    await page.waitForSelector('.forbidden');
    await screenshot(page, 'config-refused-user');
    const status = await page.evaluate(async () => (await fetch('/api/v1/config/site')).status);
    assert.equal(status, 403);
  });

  test('a password set with `gridscope passwd` while the site runs works at once', async () => {
    site.setPassword('admin', 'admin password 1');
    site.setPassword('advanced', 'advanced password 1');
    await fresh();
    await login(page, site.url, 'advanced', 'advanced password 1');
    assert.deepEqual(await tiles(), ['monitor', 'alarms', 'photoview', 'consumption', 'trends']);
    await screenshot(page, 'home-advanced');

    await fresh();
    await page.goto(site.url + '/#/login');
    await page.selectOption('#login-profile', 'admin');
    await page.fill('#login-password', 'wrong');
    await page.click('form.login-card button[type=submit]');
    await page.waitForSelector('#login-error:not([hidden])');
    assert.match(await page.textContent('#login-error'), /Wrong password/);

    await login(page, site.url, 'admin', 'admin password 1');
    assert.deepEqual(await tiles(), ['monitor', 'alarms', 'photoview', 'consumption', 'trends', 'config', 'datalogger']);
    await page.click('[data-nav=config]');
    // The Configuration page opens on its first tab (pages/config.js).
    await page.waitForSelector('#config-tab-sources[aria-selected="true"]');
    await screenshot(page, 'config-admin');

    // A new password ends the running admin session at once.
    site.setPassword('admin', 'admin password 2');
    await page.goto(site.url + '/#/home');
    await page.reload();
    await page.waitForSelector('form.login-card');
    await login(page, site.url, 'admin', 'admin password 2');
  });

  test('the language is chosen at login', async () => {
    await fresh();
    await login(page, site.url, 'user', undefined, 'fr');
    assert.equal(await page.textContent('.tile[data-page=consumption] strong'), 'Consommation');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await screenshot(page, 'home-user-fr');
    await page.click('[data-nav=logoff]');
    await page.waitForSelector('form.login-card');
  });
});

describe('monitor', () => {
  const valueOf = (name) => page.textContent(`#monitor-panel .value[data-name=${name}]`);

  test('the perimeter counts loads, filters by name and changes view', async () => {
    await fresh();
    await login(page, site.url, 'user');
    await page.click('.tile[data-page=monitor]');
    await page.waitForSelector('.tree .node');
    assert.equal(await page.textContent('.tree-head .total'), '6 loads');
    const a = await page.$eval('.tree > ul > li > .node', (n) => [n.querySelector('.name').textContent, n.querySelector('.count').textContent]);
    assert.deepEqual(a, ['Building A', '3']);
    await page.fill('#perimeter-filter', 'roof');
    await page.waitForFunction(() => document.querySelector('.tree-head .total').textContent === '1 load');
    await page.fill('#perimeter-filter', '');
    await page.selectOption('#perimeter-view', 'usage');
    await page.waitForSelector('.tree .node .name >> text=HVAC');
    await page.selectOption('#perimeter-view', 'location');
    await page.waitForSelector('.tree .node[data-source=diris-main]');
  });

  test('Monitor of a simulated DIRIS shows live values that change', async () => {
    await page.click('.tree .node[data-source=diris-main]');
    await page.waitForSelector('.live-status[data-state=live]');
    const tabs = await page.$$eval('.tab', (els) => els.map((e) => e.dataset.view));
    // A real DIRIS A40 profile: its temperature inputs give the Inputs view too.
    assert.deepEqual(tabs, ['network-summary', 'network-quality', 'load-summary', 'load-currents-voltages', 'load-power', 'load-energy', 'load-quality', 'load-inputs']);
    await screenshot(page, 'monitor-diris-network');
    await page.click('.tab[data-view=load-power]');
    const first = await valueOf('IPSumInst');
    assert.match(first, /^[\d.,]+ k?W$/);
    await page.waitForFunction((v) => document.querySelector('#monitor-panel .value[data-name=IPSumInst]').textContent !== v, first, { timeout: 5000 });
    assert.equal(await page.$('#monitor-panel .value[data-name=IPSumInst].stale'), null);
    await screenshot(page, 'monitor-diris-power');
    for (const view of ['load-summary', 'load-currents-voltages', 'load-energy']) {
      await page.click(`.tab[data-view=${view}]`);
      await page.waitForSelector('#monitor-panel .card');
      await screenshot(page, 'monitor-diris-' + view);
    }
  });

  test('energy: tariff periods, and the partial energy reset for Advanced users only', async () => {
    // The number behind the text (the page scales Wh to kWh or MWh): from the live API.
    const energyOf = (name) => page.evaluate(async (n) => {
      const snap = await (await fetch('/api/v1/live?source=countis-office')).json();
      return snap.values.find((v) => v.d === n && v.c === 1).v;
    }, name);
    const open = async () => {
      await page.goto(site.url + '/#/monitor?source=countis-office&circuit=1&view=load-energy');
      await page.waitForSelector('#monitor-panel table.tariffs tr.current');
      await page.waitForFunction(() => !document.querySelector('#monitor-panel .value[data-name=IEaPPartialInst]').classList.contains('nodata'));
    };
    await fresh();
    await login(page, site.url, 'user');
    await open();
    assert.equal(await page.$$eval('#monitor-panel table.tariffs tbody tr', (r) => r.length), 2);
    assert.equal(await page.$('[data-action=partial-reset]'), null); // a User is not offered it
    await screenshot(page, 'monitor-countis-energy-user');

    site.setPassword('advanced', 'advanced password 1');
    await fresh();
    await login(page, site.url, 'advanced', 'advanced password 1');
    await open();
    const before = await energyOf('IEaPPartialInst');
    assert.ok(before > 1000, `partial Ea+ before the reset: ${before}`);
    await page.click('[data-action=partial-reset]');
    await page.waitForSelector('[data-action=confirm-reset]:not([hidden])');
    await screenshot(page, 'monitor-countis-reset-confirm');
    await page.click('[data-action=confirm-reset]');
    await page.waitForSelector('.reset-result[data-state=done]');
    // The device reset its partial meters: the next polls show a few Wh at most.
    for (let i = 0; i < 50 && (await energyOf('IEaPPartialInst')) >= before / 10; i++) await page.waitForTimeout(100);
    assert.ok((await energyOf('IEaPPartialInst')) < before / 10);
    await page.waitForFunction(() => /^[\d.,]+ Wh$/.test(document.querySelector('#monitor-panel .value[data-name=IEaPPartialInst]').textContent), null, { timeout: 5000 });
    await screenshot(page, 'monitor-countis-reset-done');
  });

  test('a device that stops answering is shown stale, never live, and live again after', async () => {
    await page.click('.tab[data-view=load-power]');
    const live = '#monitor-panel .value[data-name=IPSumInst]:not(.stale)';
    await page.waitForSelector(live);
    site.sim.kill('SIGSTOP'); // the simulated DIRIS goes silent: requests time out
    try {
      await page.waitForSelector('#monitor-panel .value[data-name=IPSumInst].stale', { timeout: 15000 });
      await screenshot(page, 'monitor-diris-silent-stale');
    } finally {
      site.sim.kill('SIGCONT');
    }
    await page.waitForSelector(live, { timeout: 30000 });
  });

  test('views a device cannot fill are hidden; generic devices get the data table; ATyS its status', async () => {
    await page.click('.tree .node[data-source=hvac]');
    await page.waitForSelector('.tab[data-view=load-power]');
    let tabs = await page.$$eval('.tab', (els) => els.map((e) => e.dataset.view));
    assert.ok(!tabs.includes('network-quality') && !tabs.includes('load-quality'));
    await page.click('.tree .node[data-source=chiller]');
    await page.waitForSelector('.tab[data-view=data-table]');
    await page.click('.tab[data-view=data-table]');
    await page.waitForSelector('table.full .value[data-name=IFreqInst]:not(.nodata)');
    await screenshot(page, 'monitor-generic-table');
    await page.click('.tree .node[data-source=ats]');
    await page.waitForSelector('.tab[data-view=atys-status][aria-selected=true]');
    tabs = await page.$$eval('.tab', (els) => els.map((e) => e.dataset.view));
    assert.deepEqual(tabs, ['atys-status']);
    await screenshot(page, 'monitor-atys');
  });

  test('tablet layout (1024x768) with the perimeter as a drawer', async () => {
    await page.evaluate(() => localStorage.setItem('gs.perimeter.pinned', '0'));
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(site.url + '/#/monitor?source=diris-main&circuit=1&view=load-currents-voltages');
    await page.waitForSelector('.gauge');
    await page.waitForSelector('.live-status[data-state=live]');
    assert.equal(await page.isVisible('#perimeter'), false);
    await screenshot(page, 'tablet-monitor');
    await page.click('.perimeter-open');
    await page.waitForSelector('#perimeter.open');
    await screenshot(page, 'tablet-perimeter');
    await page.click('#perimeter .iconbtn[aria-pressed]');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  test('the time period presets and custom range on Trends', async () => {
    await page.goto(site.url + '/#/trends');
    await page.waitForSelector('#period-preset');
    await page.selectOption('#period-preset', 'custom');
    assert.equal(await page.isVisible('#period-from'), true);
    await page.selectOption('#period-preset', 'last_month');
    assert.notEqual(await page.inputValue('#period-from'), '');
    await screenshot(page, 'trends-period');
  });

  test('when the server goes away the values are marked stale', async () => {
    await page.goto(site.url + '/#/monitor?source=diris-main&circuit=1&view=load-power');
    await page.waitForSelector('.live-status[data-state=live]');
    await site.stop();
    await page.waitForSelector('.live-status[data-state=offline]', { timeout: 10000 });
    await page.waitForSelector('#monitor-panel .value[data-name=IPSumInst].stale');
    await screenshot(page, 'monitor-offline');
  });
});
