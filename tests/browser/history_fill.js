// A long history for the Trends tests and bench/ui/trends.mjs: build/bin/history_fill writes it
// straight into the site's store folder (<data_dir>/store) before `gridscope run` opens it (a
// year of one-minute values takes seconds there; `gridscope import` of the same CSV takes
// minutes per series on a loaded 2-core machine).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const DAY = 86400000;

// series: ['hvac/1/IPSumInst=50000', ...]; spike: {index, at (ms), value}
export function fillHistory(build, dataDir, series, { endMs, days = 365, stepS = 60, spike = null }) {
  const args = ['--store', join(dataDir, 'store'), '--end-ms', String(endMs), '--days', String(days), '--step-s', String(stepS)];
  if (spike) args.push('--spike', `${spike.index}:${spike.at}:${spike.value}`);
  const r = spawnSync(join(build, 'bin/history_fill'), [...args, ...series], { encoding: 'utf8', timeout: 600000 });
  if (r.status !== 0) throw new Error(`history_fill failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}
