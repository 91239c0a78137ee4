// Live values: live.js decodes the wire's short keys ({c, d, q, s, v, t}, docs/api.md) into
// named fields, and no other module of the UI reads a wire key. Also: every module of the first
// screens is preloaded by index.html. (No browser needed: node --test live.test.js)
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

const webroot = join(dirname(fileURLToPath(import.meta.url)), '../../webroot');
const js = join(webroot, 'js');
const live = await import(pathToFileURL(join(js, 'live.js')));

// docs/api.md's example
const wire = { source: 'tgbt', ts: 1700000000000, stale: false,
  values: [{ c: 1, d: 'IV1Inst', v: 230.1, q: 'good', t: 1700000000000, s: false },
    { c: 0, d: 'IFreqInst', v: null, q: 'none', t: null, s: true }] };

test('a wire value is decoded into named fields, and only those', () => {
  assert.deepEqual(live.decodeValue(wire.values[0]),
    { circuit: 1, data: 'IV1Inst', quality: 'good', stale: false, value: 230.1, ts: 1700000000000 });
  const snap = live.decodeSnapshot(wire);
  assert.deepEqual(Object.keys(snap).sort(), ['source', 'stale', 'ts', 'values']);
  assert.equal(snap.source, 'tgbt');
  assert.equal(snap.values.length, 2);
  for (const v of snap.values) assert.deepEqual(Object.keys(v).sort(), ['circuit', 'data', 'quality', 'stale', 'ts', 'value']);
  assert.deepEqual(snap.values[1], { circuit: 0, data: 'IFreqInst', quality: 'none', stale: true, value: null, ts: null });
  assert.deepEqual(Object.keys(live.NO_VALUE).sort(), ['circuit', 'data', 'quality', 'stale', 'ts', 'value']);
});

test('LiveValues: the circuit\'s value, else the device\'s (circuit 0), else NO_VALUE; the latest wins', () => {
  const values = new live.LiveValues();
  values.add(live.decodeSnapshot(wire));
  assert.equal(values.get(1, 'IV1Inst').value, 230.1);
  assert.equal(values.get(1, 'IFreqInst').quality, 'none'); // the device's own data, circuit 0
  assert.equal(values.get(2, 'IV1Inst'), live.NO_VALUE);
  values.add(live.decodeSnapshot({ ...wire, values: [{ ...wire.values[0], v: 231, s: true }] }));
  assert.equal(values.get(1, 'IV1Inst').value, 231);
  assert.equal(values.get(1, 'IV1Inst').stale, true);
});

function sources(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.js') ? [p] : [];
  });
}

// The code with comments and the text of string and template literals blanked (what is inside a
// template's ${...} stays code).
function codeOnly(src) {
  let out = '';
  const stack = []; // open template literals: the brace depth at which each one's ${ began
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const inTemplate = stack.length && stack[stack.length - 1] === null;
    if (inTemplate) {
      if (c === '\\') { out += '  '; i++; } else if (c === '`') { stack.pop(); out += c; } else if (c === '$' && src[i + 1] === '{') { stack[stack.length - 1] = depth++; out += '${'; i++; } else out += c === '\n' ? c : ' ';
      continue;
    }
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; out += '\n'; continue; }
    if (c === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); i = end < 0 ? src.length : end + 1; out += ' '; continue; }
    if (c === '\'' || c === '"') {
      out += c;
      for (i++; i < src.length && src[i] !== c; i++) if (src[i] === '\\') i++;
      out += c;
      continue;
    }
    if (c === '`') { stack.push(null); out += c; continue; }
    if (c === '{') depth++;
    if (c === '}') {
      depth--;
      if (stack.length && stack[stack.length - 1] === depth) { stack[stack.length - 1] = null; out += c; continue; }
    }
    out += c;
  }
  return out;
}

// Where a module reads a wire key: x.v, x?.s, x['q'] (not a spread: ...v).
function wireReads(src) {
  const found = [];
  for (const m of src.matchAll(/\[\s*['"]([cdqsvt])['"]\s*\]/g)) found.push(m[0]);
  for (const m of codeOnly(src).matchAll(/(?<!\.)(?:\?\.|\.)\s*([cdqsvt])\b/g)) found.push(m[0]);
  return found;
}

test('the wire-key scan finds reads and ignores strings, comments and spreads', () => {
  assert.deepEqual(wireReads('const a = x.v + y?.s + z[\'q\'] + `${w.t}`;'), ['[\'q\']', '.v', '?.s', '.t']);
  assert.deepEqual(wireReads('h(\'div.s\', "p.v"); // x.v\n/* y.c */ const u = { ...v }; `a.d ${b.value}`;'), []);
});

test('no module but live.js reads a wire key', () => {
  const readers = sources(js).filter((f) => f !== join(js, 'live.js'))
    .map((f) => [relative(webroot, f), wireReads(readFileSync(f, 'utf8'))]).filter(([, r]) => r.length);
  assert.deepEqual(readers, []);
});

// Static imports of a module, resolved to paths under webroot ('/js/...').
function importsOf(path) {
  const src = readFileSync(join(webroot, path), 'utf8');
  return [...src.matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => resolve('/', dirname(path), m[1]).replace(/^\/+/, '/'));
}

test('index.html preloads every module the shell, home and Monitor import', () => {
  const html = readFileSync(join(webroot, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  const seen = new Set();
  const walk = (p) => { if (seen.has(p)) return; seen.add(p); importsOf(p).forEach(walk); };
  ['/js/app.js', '/js/pages/home.js', '/js/pages/monitor.js'].forEach(walk);
  assert.ok(seen.has('/js/pages/monitor/views/load-power.js'));
  assert.deepEqual([...seen].filter((p) => !preloaded.has(p)).sort(), []);
});
