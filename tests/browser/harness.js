// Starts what the browser tests need: gridscope-sim serving a DIRIS A40 and a COUNTIS E23 over
// Modbus TCP, the
// real `gridscope run` with driver_modbus, ui_web and virtual meters on
// an ephemeral port (127.0.0.1 only), and Debian's chromium through playwright-core with a fresh
// profile. Readiness is the kernel's "gridscope: ready" line then /api/v1/health; every wait is
// bounded.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const build = resolve(process.env.GRIDSCOPE_BUILD || join(here, '../../build'));
export const artifacts = resolve(process.env.TEST_ARTIFACTS || join(build, 'test-artifacts'));
export const siteFile = join(here, 'site/site.yaml');
const gridscope = join(build, 'bin/gridscope');
const simulator = join(build, 'bin/gridscope-sim');

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => ok(port)); });
  });
}

async function waitFor(what, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Site {
  // plugins: more entries of the site's `plugins:` section ("storage_rocksdb: {}");
  // beforeRun(site): runs after the site file is written, before `gridscope run` (fills a store).
  constructor({ plugins = [], beforeRun = null } = {}) {
    this.plugins = plugins;
    this.beforeRun = beforeRun;
    this.dataDir = mkdtempSync(join(tmpdir(), 'gs-ui-'));
    this.proc = null;
    this.log = '';
  }

  // The site file with the DIRIS A40 as a real Modbus device: gridscope-sim serves it on a free
  // port and the driver_modbus plugin polls it, as on a real site.
  async startSimulator() {
    const simPort = await freePort();
    this.siteFile = join(this.dataDir, 'site.yaml');
    const text = readFileSync(siteFile, 'utf8')
      .replace('profile: test/diris-a40-sim', `profile: socomec/diris-a40\n    tcp: "127.0.0.1:${simPort}"\n    unit: 1`)
      .replace('    rated_current_a: 250\n', '    simulate: {rated_current_a: 250}\n')
      .replace('profile: test/countis-sim', `profile: socomec/countis-e2x\n    tcp: "127.0.0.1:${simPort}"\n    unit: 2`)
      .replace('profiles: [profiles]', `profiles: [${join(here, 'site/profiles')}]`)
      .replace('\nplugins:\n', `\nplugins:\n${this.plugins.map((p) => `  ${p}\n`).join('')}`);
    writeFileSync(this.siteFile, text);
    this.sim = spawn(simulator, ['--site', this.siteFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    this.sim.stdout.on('data', (d) => { this.log += d; if (String(d).includes('gridscope-sim: ready')) ready = true; });
    this.sim.stderr.on('data', (d) => { this.log += d; });
    await waitFor('gridscope-sim: ready', () => ready, 20000);
  }

  async start() {
    if (!existsSync(gridscope)) throw new Error(`${gridscope} missing: build first`);
    await this.startSimulator();
    if (this.beforeRun) await this.beforeRun(this);
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    this.proc = spawn(gridscope, ['run', '--config', this.siteFile, '--data-dir', this.dataDir, '--http-port', String(this.port)],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let ready = false;
    this.proc.stdout.on('data', (d) => { this.log += d; if (String(d).includes('gridscope: ready')) ready = true; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    const exited = new Promise((r) => this.proc.once('exit', (code) => r(code)));
    this.exited = exited;
    await Promise.race([
      waitFor('gridscope: ready', () => ready, 20000),
      exited.then((code) => { throw new Error(`gridscope exited (${code}):\n${this.log}`); }),
    ]);
    await waitFor('/api/v1/health', async () => (await fetch(this.url + '/api/v1/health')).ok, 10000);
  }

  // Sets a password the way an operator does: `gridscope passwd` (reads it twice on stdin).
  setPassword(profile, password) {
    const r = spawnSync(gridscope, ['passwd', '--config', this.siteFile || siteFile, '--data-dir', this.dataDir, '--profile', profile],
      { input: `${password}\n${password}\n`, encoding: 'utf8', timeout: 20000 });
    if (r.status !== 0) throw new Error(`gridscope passwd failed: ${r.stderr}`);
  }

  async stop() {
    if (this.sim && this.sim.exitCode === null) this.sim.kill('SIGTERM');
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
  }

  cleanup() { rmSync(this.dataDir, { recursive: true, force: true }); }
}

export async function launchBrowser(viewport = { width: 1920, height: 1080 }) {
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'gs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport,
    locale: 'en-US',
  });
  context.setDefaultTimeout(10000);
  return {
    context,
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(artifacts, name + '.png'), fullPage: false });
}

// Logs in through the login page.
export async function login(page, url, profile, password, language = 'en') {
  await page.goto('about:blank'); // a real load: the app starts again from its cookie
  await page.goto(url + '/#/login');
  await page.selectOption('#login-profile', profile);
  await page.selectOption('#login-language', language);
  if (password !== undefined) await page.fill('#login-password', password);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('.home .tile');
}
