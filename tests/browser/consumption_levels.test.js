// The Consumption page's time arithmetic (webroot/js/pages/consumption/levels.js, stack in
// chart.js) without a browser: the perimeter's days as the site's days whatever the machine's
// zone, the compared ranges across DST changes and month ends, and the stacking of parts with
// a negative unmeasured part. (node --test consumption_levels.test.js)
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'node:test';

const js = join(dirname(fileURLToPath(import.meta.url)), '../../webroot/js/pages/consumption');
const { zonedIso, comparedRange, finer, Levels } = await import(pathToFileURL(join(js, 'levels.js')));

test('wall times in the site zone carry that zone\'s offset, across both DST changes', () => {
  const paris = 'Europe/Paris';
  assert.equal(zonedIso([2026, 2, 29, 0, 0], paris), '2026-03-29T00:00:00+01:00');
  assert.equal(zonedIso([2026, 2, 30, 0, 0], paris), '2026-03-30T00:00:00+02:00');
  assert.equal(zonedIso([2026, 9, 25, 0, 0], paris), '2026-10-25T00:00:00+02:00');
  assert.equal(zonedIso([2026, 9, 26, 0, 0], paris), '2026-10-26T00:00:00+01:00');
  assert.equal(zonedIso([2026, 11, 32, 0, 0], paris), '2027-01-01T00:00:00+01:00', 'days overflow into the next month');
  assert.equal(zonedIso([2026, 5, 1, 0, 0], 'America/New_York'), '2026-06-01T00:00:00-04:00');
  assert.equal(zonedIso([2026, 5, 1, 0, 0], 'Asia/Kolkata'), '2026-06-01T00:00:00+05:30');
});

test('compared ranges: the months or days just before, or a year before', () => {
  const tz = 'Europe/Paris';
  assert.deepEqual(comparedRange('2026-03-01T00:00:00+01:00', '2026-04-01T00:00:00+02:00', 'previous', tz),
    ['2026-02-01T00:00:00+01:00', '2026-03-01T00:00:00+01:00']);
  assert.deepEqual(comparedRange('2026-01-01T00:00:00+01:00', '2027-01-01T00:00:00+01:00', 'previous', tz),
    ['2025-01-01T00:00:00+01:00', '2026-01-01T00:00:00+01:00']);
  assert.deepEqual(comparedRange('2026-03-30T00:00:00+02:00', '2026-03-31T00:00:00+02:00', 'previous', tz),
    ['2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00'], 'the day before is the 23-hour day');
  assert.deepEqual(comparedRange('2026-03-23T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 'previous', tz),
    ['2026-03-16T00:00:00+01:00', '2026-03-23T00:00:00+01:00']);
  assert.deepEqual(comparedRange('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', 'year', tz),
    ['2025-03-29T00:00:00+01:00', '2025-03-30T00:00:00+01:00']);
  assert.deepEqual(comparedRange('2026-03-29T05:00:00+02:00', '2026-03-29T06:00:00+02:00', 'previous', tz),
    ['2026-03-29T02:00:00.000Z', '2026-03-29T03:00:00.000Z'], 'an hour: the hour before');
});

test('drill-down order and the breadcrumb stack', () => {
  assert.deepEqual(['month', 'week', 'day', 'hour'].map(finer), ['week', 'day', 'hour', null]);
  const l = new Levels();
  l.reset({ label: 'p' });
  l.push({ label: 'm' });
  l.push({ label: 'w' });
  assert.equal(l.current.label, 'w');
  assert.equal(l.cut(0).label, 'p');
  assert.equal(l.stack.length, 1);
});

test('parts stack upwards from 0, a negative part downwards', async () => {
  const { stack } = await import(pathToFileURL(join(js, 'chart.js')));
  const [a, b, u] = stack([[5, 2], [3, 0], [-1, 4]]);
  assert.deepEqual([a.lo, a.hi], [[0, 0], [5, 2]]);
  assert.deepEqual([b.lo, b.hi], [[5, 2], [8, 2]]);
  assert.deepEqual([u.lo, u.hi], [[-1, 2], [0, 6]], 'the first bucket\'s unmeasured -1 hangs below 0');
});
