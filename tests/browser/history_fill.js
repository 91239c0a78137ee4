// A year of one-minute history for the Trends tests and bench/ui/trends.mjs, loaded the way an
// operator loads one: a CSV (time,source,circuit,data,value) given to `gridscope import`, which
// goes through the running site's import spool into its store.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const MINUTE = 60000;

// series: [{source, circuit, data, base, amplitude}]; one value a minute per series over
// [endMs - days, endMs), a daily sine around `base`; spike: {at (ms), series index, value}.
export async function writeYearCsv(path, series, { endMs, days = 365, spike = null }) {
  const out = createWriteStream(path);
  out.write('time,source,circuit,data,value\n');
  const start = Math.floor((endMs - days * 86400000) / MINUTE) * MINUTE;
  let chunk = '';
  for (let t = start; t < endMs; t += MINUTE) {
    const iso = new Date(t).toISOString();
    const phase = Math.sin((2 * Math.PI * (t % 86400000)) / 86400000);
    series.forEach((s, i) => {
      let v = s.base + s.amplitude * phase + (i % 3) * 0.1;
      if (spike && spike.series === i && t === Math.floor(spike.at / MINUTE) * MINUTE) v = spike.value;
      chunk += `${iso},${s.source},${s.circuit},${s.data},${v.toFixed(3)}\n`;
    });
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

// `gridscope import` into the site (running or not); throws with its output when it fails.
export function importCsv(gridscope, siteFile, dataDir, csv) {
  const r = spawnSync(gridscope, ['import', '--config', siteFile, '--data-dir', dataDir, '--csv', csv],
    { encoding: 'utf8', timeout: 900000 });
  if (r.status !== 0) throw new Error(`gridscope import failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}
