/**
 * Colour maps for camera frames: 256-entry RGB tables built from a few stops of our own choosing,
 * and the mapping of a grey frame through one of them between a low and a high grey level.
 */

/** Stops (position 0..1, [r, g, b]) each map is interpolated from. */
const STOPS: Record<string, [number, [number, number, number]][]> = {
  grey: [
    [0, [0, 0, 0]],
    [1, [255, 255, 255]],
  ],
  viridis: [
    [0, [68, 1, 84]],
    [0.25, [59, 82, 139]],
    [0.5, [33, 145, 140]],
    [0.75, [94, 201, 98]],
    [1, [253, 231, 37]],
  ],
  hot: [
    [0, [0, 0, 0]],
    [0.4, [230, 0, 0]],
    [0.8, [255, 210, 0]],
    [1, [255, 255, 255]],
  ],
  'cool-warm': [
    [0, [59, 76, 192]],
    [0.5, [221, 221, 221]],
    [1, [180, 4, 38]],
  ],
};

/** The colour maps' names, in the order the page offers them. */
export const COLOUR_MAP_NAMES = Object.keys(STOPS);

/** A map's table: 256 × [r, g, b], flattened. */
export function colourTable(name: string): Uint8Array {
  const stops = STOPS[name] ?? STOPS.grey;
  const table = new Uint8Array(256 * 3);
  for (let level = 0; level < 256; level++) {
    const x = level / 255;
    let upper = stops.findIndex(([at]) => at >= x);
    if (upper <= 0) upper = Math.max(upper, 1);
    const [x0, c0] = stops[upper - 1];
    const [x1, c1] = stops[upper];
    const f = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
    for (let c = 0; c < 3; c++) table[level * 3 + c] = Math.round(c0[c] + f * (c1[c] - c0[c]));
  }
  return table;
}

/** The lowest and highest grey level (the red channel) of an RGBA frame: the auto scale. */
export function greyRange(rgba: Uint8ClampedArray): { min: number; max: number } {
  let min = 255;
  let max = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const g = rgba[i];
    if (g < min) min = g;
    if (g > max) max = g;
  }
  return { min, max };
}

/** Recolours an RGBA grey frame in place: levels min..max spread over the whole table, clamped. */
export function applyColourMap(rgba: Uint8ClampedArray, table: Uint8Array, min: number, max: number): void {
  const span = max > min ? max - min : 1;
  for (let i = 0; i < rgba.length; i += 4) {
    const scaled = Math.round(((rgba[i] - min) / span) * 255);
    const level = Math.max(0, Math.min(255, scaled));
    rgba[i] = table[level * 3];
    rgba[i + 1] = table[level * 3 + 1];
    rgba[i + 2] = table[level * 3 + 2];
    rgba[i + 3] = 255;
  }
}

/** Frames per second over the last second, from the times (ms) frames arrived: an injected clock. */
export class FrameRate {
  private readonly arrivals: number[] = [];

  /** Notes a frame that arrived at `nowMs`. */
  record(nowMs: number): void {
    this.arrivals.push(nowMs);
    this.trim(nowMs);
  }

  /** Frames that arrived in the second up to `nowMs`. */
  perSecond(nowMs: number): number {
    this.trim(nowMs);
    return this.arrivals.length;
  }

  private trim(nowMs: number): void {
    while (this.arrivals.length > 0 && this.arrivals[0] <= nowMs - 1000) this.arrivals.shift();
  }
}
