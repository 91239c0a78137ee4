// Debian's chromium for the UI benchmarks (playwright-core from tests/browser's npm install):
// headless, a fresh profile, 1920x1080; and the User login every benchmark starts with.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../../tests/browser/package.json'));
const { chromium } = require('playwright-core');

// {context, page, close()}: the page is logged in as User on `base`; beforeLogin(page) runs
// first (listeners that must see the first load).
export async function openLoggedIn(base, beforeLogin = () => {}) {
  const profile = mkdtempSync(join(tmpdir(), 'gs-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'], viewport: { width: 1920, height: 1080 },
  });
  const page = await context.newPage();
  beforeLogin(page);
  await page.goto(base + '/#/login');
  await page.waitForSelector('#login-profile');
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('.home .tile');
  return { context, page, async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// {min, median, max} of samples, rounded to the millisecond.
export function stats(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  return { min: Math.round(s[0]), median: Math.round(s[Math.floor(s.length / 2)]), max: Math.round(s[s.length - 1]) };
}
