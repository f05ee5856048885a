/** The camera page's colour tables, grey-level scaling and frame-rate counter. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyColourMap,
  COLOUR_MAP_NAMES,
  colourTable,
  FrameRate,
  greyRange,
} from '../src/components/colourMaps.ts';

/** An RGBA frame whose pixels are these grey levels. */
function greyFrame(levels: number[]): Uint8ClampedArray {
  return new Uint8ClampedArray(levels.flatMap((g) => [g, g, g, 255]));
}

describe('colour maps', () => {
  it('offers grey, viridis, hot and cool-warm, each running from its first stop to its last', () => {
    assert.deepEqual(COLOUR_MAP_NAMES, ['grey', 'viridis', 'hot', 'cool-warm']);
    const viridis = colourTable('viridis');
    assert.deepEqual([...viridis.slice(0, 3)], [68, 1, 84]);
    assert.deepEqual([...viridis.slice(255 * 3)], [253, 231, 37]);
    const grey = colourTable('grey');
    assert.deepEqual([...grey.slice(128 * 3, 128 * 3 + 3)], [128, 128, 128]);
  });

  it('spreads min..max over the whole table and clamps outside it', () => {
    const frame = greyFrame([10, 20, 30, 5, 200]);
    applyColourMap(frame, colourTable('grey'), 10, 30);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((p) => frame[p * 4]),
      [0, 128, 255, 0, 255],
    );
  });

  it('finds the grey range of a frame (the auto scale)', () => {
    assert.deepEqual(greyRange(greyFrame([7, 90, 3, 41])), { min: 3, max: 90 });
  });
});

describe('FrameRate', () => {
  it('counts the frames of the last second only', () => {
    const rate = new FrameRate();
    for (const t of [0, 200, 400, 600, 800, 1000, 1100]) rate.record(t);
    assert.equal(rate.perSecond(1100), 6, 'the frames at 200, 400, 600, 800, 1000 and 1100 ms');
    assert.equal(rate.perSecond(2500), 0);
  });
});
