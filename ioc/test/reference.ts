/**
 * The simulated IOCs' physics written out from the spec (integration-iocs-pods §1.1–1.3), for the
 * tests to compare the IOCs' values against: nothing here comes from ioc/src.
 */

/** Counts per unit current per unit exposure (§1.1). */
export const COUNTS_PER_CURRENT = 200;

/** Beam current at monotonic time t: 500 + 25·sin(2π·t/4). */
export const referenceCurrent = (t: number) => 500 + 25 * Math.sin((2 * Math.PI * t) / 4);

/**
 * erfc by Simpson's rule on (2/√π)·∫ₓ^∞ e^(−s²) ds, cut at x + 8 where the integrand is below
 * 1e-27 of its start: independent of the IOC's own series, accurate to ~1e-12 here.
 */
export function referenceErfc(x: number): number {
  if (x < 0) return 2 - referenceErfc(-x);
  const n = 4000;
  const h = 8 / n;
  let sum = Math.exp(-x * x) + Math.exp(-((x + 8) ** 2));
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * Math.exp(-((x + i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * (sum * h)) / 3;
}

/** Detector shape functions S(m) of the motor position (§1.1). */
export const referenceShapes = {
  /** Gaussian centred at 0, σ = 5. */
  ph: (m: number) => Math.exp(-(m * m) / (2 * 5 * 5)),
  /** A smooth step up around m = 5, width 2.5. */
  edge: (m: number) => 0.5 * referenceErfc((5 - m) / 2.5),
  /** A flat top about ±7.5 with edges of width 2.5. */
  slit: (m: number) => 0.5 * (referenceErfc((m - 7.5) / 2.5) - referenceErfc((m + 7.5) / 2.5)),
};

/** Mean counts of a jitter detector: 200 · I · exp · S(m). */
export const referenceDetectorMean = (
  group: keyof typeof referenceShapes,
  current: number,
  exp: number,
  m: number,
) => COUNTS_PER_CURRENT * current * exp * referenceShapes[group](m);

/** Pixels of the dot image (480 rows × 640 columns), each a Poisson(1000) background. */
export const DOT_PIXELS = 480 * 640;
export const DOT_BACKGROUND = 1000;

/**
 * Expected sum of the dot's spot with the shutter open: a 2-D Gaussian (σ 50 columns, 25 rows) of
 * peak 200·I·exp, attenuated by exp(−(mtrx² + mtry²)/100²), summed: 2π·50·25 times its peak
 * (when the spot lies well inside the sensor).
 */
export const referenceSpotSum = (current: number, exp: number, mtrx: number, mtry: number) =>
  2 * Math.PI * 50 * 25 * COUNTS_PER_CURRENT * current * exp * Math.exp(-(mtrx ** 2 + mtry ** 2) / 100 ** 2);

/**
 * Frame k of the reference 256 × 192 camera (§1.2): phase 0.15·k, blob centre
 * (128 + 85.33·cos phase, 96 + 64·sin phase), σ 25.6 px, pixel = floor(255·(0.25·(x + y)/448 + 0.75·blob)).
 * 85.33 is the spec's rounding of 256/3.
 */
export function referenceCameraFrame(k: number): Uint8Array {
  const width = 256;
  const height = 192;
  const phase = 0.15 * k;
  const cx = 128 + (256 / 3) * Math.cos(phase);
  const cy = 96 + 64 * Math.sin(phase);
  const sigma = 25.6;
  const frame = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma ** 2));
      frame[y * width + x] = Math.floor(255 * ((0.25 * (x + y)) / 448 + 0.75 * blob));
    }
  return frame;
}

/**
 * The thermometer (§1.3): Tvar·exp(−(t − T0)/K)·sin(omega·t) + SP, with the defaults Tvar 10,
 * K 10 s, omega π rad/s; T0 is when SP was last written.
 */
export const referenceTemperature = (
  t: number,
  t0: number,
  setpoint: number,
  tvar = 10,
  k = 10,
  omega = Math.PI,
) => tvar * Math.exp(-(t - t0) / k) * Math.sin(omega * t) + setpoint;
