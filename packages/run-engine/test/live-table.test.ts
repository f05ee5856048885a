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

  it('prints a row per event of a page, leaving a field blank where the page says it is not filled', () => {
    const lines: string[] = [];
    const utc = (s: number) => new Date(s * 1000).toISOString().slice(11, 21);
    const table = new LiveTable({ fields: ['a', 'b'], print: (l) => lines.push(l), formatTime: utc });
    const key = { source: 'sim', dtype: 'number', shape: [] } as const;
    table.callback('start', { uid: 'run-1', time: 0, plan_type: 'generator', plan_name: 'fly', scan_id: 7 });
    table.callback('descriptor', {
      uid: 'desc-1',
      run_start: 'run-1',
      time: 0,
      name: 'primary',
      data_keys: { a: key, b: { ...key, precision: 1 } },
      configuration: {},
      hints: {},
      object_keys: { flyer: ['a', 'b'] },
    });
    table.callback('event_page', {
      descriptor: 'desc-1',
      uid: ['e1', 'e2'],
      time: [1700000000, 1700000000.5],
      seq_num: [1, 2],
      data: { a: [1.5, 2.25], b: [10, 20] },
      timestamps: { a: [0, 0], b: [0, 0] },
      filled: { b: [true, false] },
    });
    table.callback('event_page', {
      descriptor: 'another',
      uid: ['e3'],
      time: [0],
      seq_num: [1],
      data: { a: [9], b: [9] },
      timestamps: { a: [0], b: [0] },
      filled: {},
    });
    table.callback('stop', {
      uid: 'stop-1',
      time: 2,
      run_start: 'run-1',
      exit_status: 'success',
      reason: '',
      num_events: { primary: 2 },
    });
    assert.deepEqual(lines, [
      '+-----------+------------+------------+------------+',
      '|   seq_num |       time |          a |          b |',
      '+-----------+------------+------------+------------+',
      '|         1 | 22:13:20.0 |      1.500 |       10.0 |',
      '|         2 | 22:13:20.5 |      2.250 |            |',
      '+-----------+------------+------------+------------+',
      "generator fly ['run-1'] (scan num: 7)",
    ]);
  });
});
