/**
 * The plots in a real Chromium against the real stack: mini:current on the strip chart (its series
 * grows, pause freezes the visible range while points keep arriving, resume moves it again, the time
 * window sets its width), a second PV on the same chart, the camera's array as a waveform plot, and
 * the Camera screen drawing frames from 13SIM1: and mini:dot through a colour map at a frame rate
 * above 0. Controls are reached by keyboard and carry labels. Screenshots: chart.png, camera.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { killStarted } from '../../../cli/test/process.ts';
import { launchPage, SCREENSHOTS } from './browser.ts';
import { type Stack, startStack } from './stack.ts';

// Callbacks given to page.evaluate and waitForFunction run in Chromium: the browser globals they use
// (this program is type-checked against Node's library, without the DOM's).
declare const document: { querySelector(selector: string): any };

/** The camera IOC's default frame: 256 × 192 one-byte pixels (ioc/src/iocs/camera.ts). */
const CAMERA_ARRAY_LENGTH = 256 * 192;

let stack: Stack;
let browser: Browser;
let page: Page;

before(async () => {
  stack = await startStack();
  ({ browser, page } = await launchPage({ width: 1200, height: 900 }));
  await page.goto(stack.uiUrl);
});

after(async () => {
  await browser?.close();
  killStarted();
});

/** A numeric attribute of the element `selector` names, read in the page. */
async function numberAttribute(selector: string, name: string): Promise<number> {
  return Number(await page.locator(selector).getAttribute(name));
}

/** Waits until the attribute reaches at least `atLeast` (polled by the page, bounded by WAIT_MS). */
async function waitForAttributeAtLeast(selector: string, name: string, atLeast: number): Promise<void> {
  await page.waitForFunction(
    ([s, n, min]) =>
      Number(document.querySelector(s as string)?.getAttribute(n as string)) >= (min as number),
    [selector, name, atLeast] as const,
  );
}

/** Fails when a button, select or input in `scope` has no accessible name (label, aria-label or text). */
async function assertLabelled(scope: Locator): Promise<void> {
  const unnamed = await scope.locator('button, select, input').evaluateAll((controls) =>
    controls
      .filter((c) => {
        const labels = (c as { labels?: { length: number } }).labels;
        return !(labels && labels.length > 0) && !c.getAttribute('aria-label') && !c.textContent?.trim();
      })
      .map((c) => c.outerHTML),
  );
  assert.deepEqual(unnamed, []);
}

const CURRENT = 'li[data-pv="mini:current"]';
const CHART = '[aria-label="Strip chart of the plotted PVs"]';

describe('plots', () => {
  it('adds mini:current to the strip chart from its row, by keyboard, and sees its series grow', async () => {
    await page.getByRole('button', { name: 'PVs' }).click();
    await page.getByTestId('value-mini:current').filter({ hasText: /\d/ }).waitFor();
    await page.getByRole('button', { name: 'Plot mini:current' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(
      await page.getByRole('button', { name: 'Plot mini:current' }).getAttribute('aria-pressed'),
      'true',
    );
    await waitForAttributeAtLeast(CURRENT, 'data-points', 3);
    const seen = await numberAttribute(CURRENT, 'data-points');
    await waitForAttributeAtLeast(CURRENT, 'data-points', seen + 5);
    await waitForAttributeAtLeast(CHART, 'data-points-drawn', 1);
    assert.match((await page.getByLabel('mini:current latest').textContent()) ?? '', /^\d+(\.\d+)?$/);
  });

  it('pauses: the visible range stays put while points keep arriving; resume moves it again', async () => {
    await page.getByRole('button', { name: 'Pause' }).focus();
    await page.keyboard.press('Space');
    const resume = page.getByRole('button', { name: 'Resume' });
    assert.equal(await resume.getAttribute('aria-pressed'), 'true');
    const frozenEnd = await numberAttribute(CHART, 'data-range-end');
    const pointsAtPause = await numberAttribute(CURRENT, 'data-points');
    await waitForAttributeAtLeast(CURRENT, 'data-points', pointsAtPause + 10);
    assert.equal(await numberAttribute(CHART, 'data-range-end'), frozenEnd, 'the range moved while paused');
    await resume.focus();
    await page.keyboard.press('Space');
    await waitForAttributeAtLeast(CHART, 'data-range-end', frozenEnd + 0.001);
  });

  it('switches the time window between 10 s, 1 min and 10 min', async () => {
    const window = page.getByLabel('Time window');
    for (const [label, seconds] of [
      ['10 s', 10],
      ['10 min', 600],
      ['1 min', 60],
    ] as const) {
      await window.selectOption({ label });
      await page.waitForFunction(
        ([s, width]) => {
          const chart = document.querySelector(s as string);
          const span =
            Number(chart?.getAttribute('data-range-end')) - Number(chart?.getAttribute('data-range-start'));
          return Math.abs(span - (width as number)) < 0.01;
        },
        [CHART, seconds] as const,
      );
    }
  });

  it('plots a second PV on the same chart, and draws an array PV as a waveform', async () => {
    await page.getByLabel('PV name').fill('mini:ph:det');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('value-mini:ph:det').filter({ hasText: /\d/ }).waitFor();
    await page.getByRole('button', { name: 'Plot mini:ph:det' }).click();
    await waitForAttributeAtLeast('li[data-pv="mini:ph:det"]', 'data-points', 3);
    assert.equal(await page.getByRole('list', { name: 'Plotted PVs' }).getByRole('listitem').count(), 2);

    await page.getByLabel('PV name').fill('13SIM1:image1:ArrayData');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const waveform = '[aria-label="Waveform of 13SIM1:image1:ArrayData"]';
    await waitForAttributeAtLeast(waveform, 'data-points', 1);
    assert.equal(await numberAttribute(waveform, 'data-points'), CAMERA_ARRAY_LENGTH);
    // A plot, not the array's numbers as text.
    assert.ok(((await page.getByTestId('value-13SIM1:image1:ArrayData').textContent()) ?? '').length < 200);
    await assertLabelled(page.getByRole('region', { name: 'PVs' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'chart.png'), fullPage: true });
  });

  it('shows camera frames from 13SIM1: and mini:dot with a colour map and a frame rate', async () => {
    await page.getByRole('button', { name: 'Camera' }).click();
    const frameRate = page.getByLabel('Frame rate');
    const size = page.getByLabel('Frame size');
    await size.filter({ hasText: '256 × 192' }).waitFor();
    await waitForAttributeAtLeast('canvas', 'data-frames', 1);

    await page.getByLabel('Source').selectOption('mini:dot');
    await size.filter({ hasText: '640 × 480' }).waitFor();
    await page.getByLabel('Colour map').selectOption('viridis');
    const drawn = await numberAttribute('canvas', 'data-frames');
    await waitForAttributeAtLeast('canvas', 'data-frames', drawn + 2);
    await frameRate.filter({ hasNotText: /^0$/ }).waitFor();
    assert.ok(Number(await frameRate.textContent()) > 0);
    // Read the canvas back: a 640 × 480 image, not blank, whose darkest level got viridis's first colour.
    const pixels = await page.evaluate(() => {
      const canvas = document.querySelector('canvas');
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      const colours = new Set<string>();
      let viridisLow = 0;
      for (let i = 0; i < data.length; i += 4) {
        colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
        if (data[i] === 68 && data[i + 1] === 1 && data[i + 2] === 84) viridisLow++;
      }
      return { width: canvas.width, height: canvas.height, colours: colours.size, viridisLow };
    });
    assert.deepEqual([pixels.width, pixels.height], [640, 480]);
    assert.ok(pixels.colours > 10, `a blank or flat canvas: ${pixels.colours} colours`);
    assert.ok(pixels.viridisLow > 0, 'no pixel at the bottom of the viridis map');
    assert.equal(await page.getByLabel('Camera socket state').textContent(), 'open');
    await assertLabelled(page.getByRole('region', { name: 'Camera' }));
    await page.screenshot({ path: join(SCREENSHOTS, 'camera.png'), fullPage: true });
  });
});
