// Counter histories for the Consumption tests and bench/ui/consumption.mjs: an index
// (IEaPInst, Wh) every 15 minutes for each load, imported with `gridscope import` as an operator
// does (before `gridscope run`: the command starts the storage plugin itself).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// loads: {'SOURCE/K': Wh per quarter (a function of the reading's index and time, or a number)};
// ranges: [[fromMs, toMs], ...]. Returns the CSV's path.
export function writeIndexCsv(dir, loads, ranges, stepMs = 15 * 60000) {
  const lines = ['time,source,circuit,data,value'];
  for (const [load, use] of Object.entries(loads)) {
    const [source, circuit] = load.split('/');
    let index = 1000;
    for (const [from, to] of ranges) {
      for (let t = from, i = 0; t <= to; t += stepMs, i++) {
        lines.push(`${new Date(t).toISOString()},${source},${circuit},IEaPInst,${index}`);
        index += typeof use === 'function' ? use(i, t) : use;
      }
    }
  }
  const file = join(dir, 'consumption.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export function importCsv(build, siteFile, dataDir, csv) {
  const r = spawnSync(join(build, 'bin/gridscope'), ['import', '--config', siteFile, '--data-dir', dataDir, '--csv', csv],
    { encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`gridscope import failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}
