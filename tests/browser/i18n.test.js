// Every UI string comes from the translation files: both files have the same keys, and every
// literal key the code uses exists. (No browser needed.)
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const webroot = join(dirname(fileURLToPath(import.meta.url)), '../../webroot');
const en = JSON.parse(readFileSync(join(webroot, 'i18n/en.json'), 'utf8'));
const fr = JSON.parse(readFileSync(join(webroot, 'i18n/fr.json'), 'utf8'));

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
  });
}

test('en and fr have the same keys, none empty', () => {
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries({ ...en, ...fr })) assert.ok(v.length > 0, k);
});

test('every literal key used by the code is translated', () => {
  const missing = [];
  for (const file of sources(join(webroot, 'js'))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\bt\('([a-z0-9_.-]+)'[,)]/gi)) if (!(m[1] in en)) missing.push(`${file}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});

test('the dynamic key families are complete', () => {
  const need = [
    ...['user', 'advanced', 'admin'].map((p) => 'profile.' + p),
    ...['monitor', 'alarms', 'photoview', 'consumption', 'trends', 'config'].flatMap((p) => ['page.' + p, `page.${p}.about`]),
    ...['network', 'load', 'device'].map((s) => 'monitor.section.' + s),
    ...['sources', 'circuits', 'data', 'models', 'custom-data', 'hierarchies', 'alarm-rules'].map((id) => 'config.tab.' + id),
    ...['network-summary', 'network-quality', 'load-summary', 'load-currents-voltages', 'load-power', 'load-energy', 'load-quality', 'load-inputs', 'atys-status', 'data-table'].map((v) => 'monitor.view.' + v),
    ...['good', 'timeout', 'exception', 'disconnected', 'bad_response', 'none', 'invalid'].map((q) => 'quality.' + q),
    ...['location', 'usage', 'fluid', 'hierarchy'].map((v) => 'perimeter.view.' + v),
    ...['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'this_year', 'last_year', 'custom'].map((p) => 'period.' + p),
    ...['en', 'fr'].map((l) => 'language.' + l),
  ];
  assert.deepEqual(need.filter((k) => !(k in en)), []);
});

test('plural forms stand beside their base key, with the same placeholders', () => {
  for (const strings of [en, fr])
    for (const k of Object.keys(strings).filter((k) => /\.(zero|one|two|few|many)$/.test(k))) {
      const base = k.replace(/\.[a-z]+$/, '');
      assert.ok(base in strings, `${k} has no ${base}`);
      assert.deepEqual(strings[k].match(/\{\w+\}/g), strings[base].match(/\{\w+\}/g), k);
    }
});
