/**
 * BestEffortCallback without figures (heading, streams, the table with its dimensions first,
 * baseline readings, peak statistics) and PeakStats' figures, checked by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BestEffortCallback, pythonText } from '../src/best-effort.ts';
import { numpySum, PeakStats, peakFigures } from '../src/peak-stats.ts';
import { count, fly, grid_scan, scan } from '../src/plans/plans.ts';
import { SupplementalData } from '../src/plans/preprocessors.ts';
import { close_run, open_run, trigger_and_read } from '../src/plans/stubs.ts';
import { DeviceStatus } from '../src/status.ts';
import { recordingEngine } from './helpers.ts';

const utcTime = (s: number) => new Date(s * 1000).toISOString().slice(11, 21);
const utcDate = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

/**
 * A flyer handing over x (its motor) and y (a triangle peaking at x = 0) in two event pages of
 * stream `primary`, as a fly scan's detector does.
 */
const triangleFlyer = () => ({
  name: 'pager',
  kickoff: () => DeviceStatus.done(),
  complete: () => DeviceStatus.done(),
  describe_collect: () => ({
    primary: {
      x: { source: 'sim:x', dtype: 'number', shape: [] },
      y: { source: 'sim:y', dtype: 'number', shape: [] },
    },
  }),
  collect_pages: () => [
    { data: { x: [-1, -0.5], y: [0, 0.5] }, timestamps: { x: [1, 2], y: [1, 2] } },
    { data: { x: [0, 0.5, 1], y: [1, 0.5, 0] }, timestamps: { x: [3, 4, 5], y: [3, 4, 5] } },
  ],
});
/** A fly scan whose start names x as its dimension, as a plan's hints would. */
const flyAlongX = () => fly([triangleFlyer()], { md: { hints: { dimensions: [[['x'], 'primary']] } } });

describe('PeakStats', () => {
  it('finds a triangle peak: extremes, centre of mass, half-way crossings, centre and width', () => {
    const figures = peakFigures([0, 1, 2, 3, 4], [0, 1, 2, 1, 0]);
    // Σ y·i / Σ y = (1 + 4 + 3) / 4 = 2; the half-way line y = 1 is crossed at x = 1 and x = 3.
    assert.deepEqual(figures, {
      min: [0, 0],
      max: [2, 2],
      com: 2,
      cen: 2,
      crossings: [1, 3],
      fwhm: 2,
      lin_bkg: null,
    });
  });

  it('takes a straight background off first with edge_count, reporting the raw y at the extremes', () => {
    // y = x + a bump of 2 at x = 2: the background through the end points is y = x.
    const figures = peakFigures([0, 1, 2, 3, 4], [0, 1, 4, 3, 4], 1);
    assert.deepEqual(figures.lin_bkg, { m: 1, b: 0 });
    assert.deepEqual(figures.max, [2, 4]);
    assert.deepEqual(figures.min, [0, 0]);
    assert.deepEqual(figures.crossings, [1.5, 2.5]);
    assert.equal(figures.fwhm, 1);
  });

  it('sums as numpy does (pairwise, eight accumulators), where a running sum loses the small terms', () => {
    const values = [1e16, 1, 1, 1, 1, 1, 1, 1, -1e16];
    // ((1e16 + 1) + (1 + 1)) + ((1 + 1) + (1 + 1)) = 1e16 + 6, then −1e16: 6 (np.sum gives 6.0);
    // adding in turn, each 1 vanishes next to 1e16 and the sum is 0.
    assert.equal(numpySum(values), 6);
    assert.equal(numpySum([0.5, 0.25]), 0.75);
    assert.ok(Object.is(numpySum([-0, -0]), 0), 'np.sum([-0.0, -0.0]) is 0.0: the sum starts from 0.0');
  });

  it('as a subscriber: collects one run, skips events without both fields, and computes the derivative', async () => {
    const { RE, devices } = recordingEngine();
    const stats = new PeakStats('motor', 'det', { calc_derivative_and_stats: true });
    RE.subscribe(stats.callback);
    await RE.run(scan([devices.det], devices.motor, -1, 1, 3));
    const edge = Math.exp(-0.5); // det = exp(-x²/2) at x = ±1
    assert.deepEqual(stats.x_data, [-1, 0, 1]);
    assert.deepEqual(stats.y_data, [edge, 1, edge]);
    assert.deepEqual([stats.max, stats.min, stats.com], [[0, 1], [-1, edge], 0]);
    assert.deepEqual(stats.crossings, [-0.5, 0.5]);
    assert.deepEqual([stats.cen, stats.fwhm], [0, 1]);
    assert.deepEqual(stats.derivative_stats?.y, [1 - edge, edge - 1]);
    assert.deepEqual(stats.derivative_stats?.max, [0, 1 - edge]);
    await RE.run(count([devices.det], 2));
    assert.equal(stats.cen, null, 'a count has no motor field: nothing to compute');
  });

  it("as a subscriber: a page's events count one by one", async () => {
    const { RE } = recordingEngine();
    const stats = new PeakStats('x', 'y');
    RE.subscribe(stats.callback);
    await RE.run(flyAlongX());
    assert.deepEqual(stats.x_data, [-1, -0.5, 0, 0.5, 1]);
    assert.deepEqual(stats.y_data, [0, 0.5, 1, 0.5, 0]);
    assert.deepEqual(stats.crossings, [-0.5, 0.5]);
    assert.deepEqual([stats.cen, stats.fwhm, stats.com], [0, 1, 0]);
  });
});

describe('BestEffortCallback', () => {
  it('prints the heading, the stream, the table with the motor first, and keeps the peaks of a 1-D scan', async () => {
    const { RE, devices } = recordingEngine();
    const out: string[] = [];
    const bec = new BestEffortCallback({
      print: (t) => out.push(t),
      formatTime: utcTime,
      formatDate: utcDate,
    });
    RE.subscribe(bec.callback);
    await RE.run(scan([devices.det], devices.motor, -1, 1, 3));
    assert.deepEqual(out, [
      '\n\nTransient Scan ID: 1     Time: 2023-11-14 22:13:20',
      "Persistent Unique Scan ID: 'uid-1'",
      "New stream: 'primary'",
      '+-----------+------------+------------+------------+',
      '|   seq_num |       time |      motor |        det |',
      '+-----------+------------+------------+------------+',
      '|         1 | 22:13:20.0 |     -1.000 |      0.607 |',
      '|         2 | 22:13:20.0 |      0.000 |      1.000 |',
      '|         3 | 22:13:20.0 |      1.000 |      0.607 |',
      '+-----------+------------+------------+------------+',
      "generator scan ['uid-1'] (scan num: 1)",
      '',
      '\n',
    ]);
    assert.deepEqual(bec.peaks, {
      com: { det: 0 },
      cen: { det: 0 },
      max: { det: [0, 1] },
      min: { det: [-1, Math.exp(-0.5)] },
      fwhm: { det: 1 },
    });
    const cen = bec.peaks.cen;
    await RE.run(count([devices.det1], 1));
    assert.deepEqual(cen, {}, 'a one-point count plots nothing: the last peaks are cleared in place');
    bec.disable_plots();
    await RE.run(scan([devices.det], devices.motor, -1, 1, 3));
    assert.deepEqual(bec.peaks.cen, {}, 'no plots, no peak statistics (as in bluesky)');
  });

  it('prints baseline readings before the table and after it; a 2-D scan gets no peaks', async () => {
    const { RE, devices } = recordingEngine();
    RE.preprocessors.push(new SupplementalData({ baseline: [devices.motor3, devices.sig] }));
    const out: string[] = [];
    const bec = new BestEffortCallback({
      print: (t) => out.push(t),
      formatTime: utcTime,
      formatDate: utcDate,
    });
    bec.disable_heading();
    RE.subscribe(bec.callback);
    await RE.run(grid_scan([devices.det4], devices.motor1, -1, 1, 2, devices.motor2, -1, 1, 2));
    const border = `+${'-'.repeat(32)}+${'-'.repeat(32)}+`;
    const row = (k: string, v: string) => `| ${k.padStart(30)} | ${v.padEnd(30)} |`;
    const baseline = [border, row('motor3', '0.0'), row('sig', '0'), border];
    assert.deepEqual(out.slice(0, 6), [
      "New stream: 'baseline'",
      'Start-of-run baseline readings:',
      ...baseline,
    ]);
    assert.equal(out[6], "New stream: 'primary'");
    assert.equal(out[8], '|   seq_num |       time |     motor1 |     motor2 |       det4 |');
    assert.deepEqual(out.slice(-3), [
      "generator grid_scan ['uid-1'] (scan num: 1)",
      `${['End-of-run baseline readings:', ...baseline].join('\n')}\n`,
      '\n',
    ]);
    assert.deepEqual(bec.peaks.cen, {});
  });

  it("a fly scan's event pages: a table row per event and the peak of the collected points", async () => {
    const { RE, docs } = recordingEngine();
    const out: string[] = [];
    const bec = new BestEffortCallback({ print: (t) => out.push(t), formatTime: utcTime });
    bec.disable_heading();
    RE.subscribe(bec.callback);
    await RE.run(flyAlongX(), { planName: 'fly' }); // bluesky's RE names the plan after its generator
    assert.deepEqual(
      docs.map(([name]) => name),
      ['start', 'descriptor', 'event_page', 'event_page', 'stop'],
      'the flyer is collected as pages, not events',
    );
    assert.deepEqual(out, [
      "New stream: 'primary'",
      '+-----------+------------+------------+------------+',
      '|   seq_num |       time |          x |          y |',
      '+-----------+------------+------------+------------+',
      '|         1 | 22:13:20.0 |     -1.000 |      0.000 |',
      '|         2 | 22:13:20.0 |     -0.500 |      0.500 |',
      '|         3 | 22:13:20.0 |      0.000 |      1.000 |',
      '|         4 | 22:13:20.0 |      0.500 |      0.500 |',
      '|         5 | 22:13:20.0 |      1.000 |      0.000 |',
      '+-----------+------------+------------+------------+',
      "generator fly ['uid-1'] (scan num: 1)",
      '',
      '\n',
    ]);
    // The triangle: half-way (0.5) is crossed at -0.5 and 0.5.
    assert.deepEqual(bec.peaks, {
      com: { y: 0 },
      cen: { y: 0 },
      max: { y: [0, 1] },
      min: { y: [-1, 0] },
      fwhm: { y: 1 },
    });
  });

  it('a run without hints nor a primary stream leaves the motor guess for the next run, whose primary stream then gets no table nor plots (as in bluesky)', async () => {
    const { RE, devices } = recordingEngine();
    const out: string[] = [];
    const warnings: string[] = [];
    const bec = new BestEffortCallback({ print: (t) => out.push(t), warn: (m) => warnings.push(m) });
    bec.disable_heading();
    RE.subscribe(bec.callback);
    await RE.run(
      (function* () {
        yield* open_run();
        yield* trigger_and_read([devices.det], 'other');
        yield* close_run();
      })(),
    );
    out.length = 0;
    await RE.run(flyAlongX(), { planName: 'fly' });
    // 'x' is taken for an object name, and the descriptor has no object 'x' (only 'pager').
    assert.deepEqual(out, ["New stream: 'primary'", '', '\n']);
    assert.deepEqual(bec.peaks.cen, {});
    assert.equal(warnings.length, 1);
    out.length = 0;
    await RE.run(flyAlongX(), { planName: 'fly' });
    assert.equal(
      out[1],
      '+-----------+------------+------------+------------+',
      'the run after is whole again',
    );
    assert.deepEqual(bec.peaks.cen, { y: 0 });
  });

  it("writes readings as Python's str() does", () => {
    assert.deepEqual(
      [1, 0.5, 1e-5, 1e16, 123456789012345.6, -0, 3].map((v) => pythonText(v)),
      ['1.0', '0.5', '1e-05', '1e+16', '123456789012345.6', '-0.0', '3.0'],
    );
    assert.deepEqual([pythonText(3, 'integer'), pythonText(true), pythonText('In')], ['3', 'True', 'In']);
  });
});
