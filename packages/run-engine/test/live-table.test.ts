/** The console table: one row per primary event, hinted fields, bluesky LiveTable's layout. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveTable } from '../src/live-table.ts';
import { count, scan } from '../src/plans/plans.ts';
import { recordingEngine } from './helpers.ts';

describe('LiveTable', () => {
  it('prints a header, a row per event with each field at its precision, and a closing line per run', async () => {
    const { RE, devices } = recordingEngine();
    const lines: string[] = [];
    const utc = (s: number) => new Date(s * 1000).toISOString().slice(11, 21);
    RE.subscribe(new LiveTable({ print: (l) => lines.push(l), formatTime: utc }).callback);
    await RE.run(count([devices.det1, devices.det2], 2));
    await RE.run(scan([devices.det], devices.motor, -1, 1, 3));
    assert.deepEqual(lines, [
      '+-----------+------------+------------+------------+',
      '|   seq_num |       time |       det1 |       det2 |',
      '+-----------+------------+------------+------------+',
      '|         1 | 22:13:20.0 |      5.000 |      1.765 |',
      '|         2 | 22:13:20.0 |      5.000 |      1.765 |',
      '+-----------+------------+------------+------------+',
      "generator count ['uid-1'] (scan num: 1)",
      '+-----------+------------+------------+------------+',
      '|   seq_num |       time |        det |      motor |',
      '+-----------+------------+------------+------------+',
      '|         1 | 22:13:20.0 |      0.607 |     -1.000 |',
      '|         2 | 22:13:20.0 |      1.000 |      0.000 |',
      '|         3 | 22:13:20.0 |      0.607 |      1.000 |',
      '+-----------+------------+------------+------------+',
      "generator scan ['uid-6'] (scan num: 2)",
    ]);
  });

  it('prints event times as bluesky does: a whole second without its fraction, rounded to the microsecond', async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'UTC'; // the default format is local time
    try {
      const { RE, devices, clock } = recordingEngine();
      const lines: string[] = [];
      RE.subscribe(new LiveTable({ print: (l) => lines.push(l) }).callback);
      await RE.run(count([devices.det1], 1));
      // The manual clock stands on a whole second: str(datetime.time) prints no fraction there.
      assert.equal(lines[3], '|         1 |   22:13:20 |      5.000 |');
      clock.advance(0.0999999); // rounds to .100000 as datetime.fromtimestamp does
      await RE.run(count([devices.det1], 1));
      assert.equal(lines[9], '|         1 | 22:13:20.1 |      5.000 |');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
