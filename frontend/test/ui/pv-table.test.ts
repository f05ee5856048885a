/**
 * The PV table's virtual rows in a real Chromium against the real stack: with many PVs added the
 * DOM holds only the rows in view (plus a few either side), the table still says how many rows it
 * has, and scrolling it by keyboard (End, Home) brings the other rows in with their live values.
 * Screenshot: pv-table.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { killStarted } from '../../../cli/test/process.ts';
import { launchPage, SCREENSHOTS } from './browser.ts';
import { startStack } from './stack.ts';

/** PVs of the stack's registry: motor fields, the mini beamline's motors and settings, and last a
 * detector posted every 0.5 s with Poisson counts (it keeps changing). */
const ADDED = [
  ...[1, 2, 3].flatMap((motor) => ['', '.RBV', '.VELO', '.ACCL'].map((field) => `sim:mtr${motor}${field}`)),
  ...['edge', 'slit'].flatMap((group) => ['det', 'mtr', 'exp', 'vel'].map((pv) => `mini:${group}:${pv}`)),
  ...['mtr', 'exp', 'vel'].map((pv) => `mini:ph:${pv}`),
  ...['img_sum', 'mtrx', 'mtry', 'exp'].map((pv) => `mini:dot:${pv}`),
  'mini:ph:det',
];
/** The page's first row (mini:current, there from the start) and the ones added. */
const ROWS = 1 + ADDED.length;

let browser: Browser;
let page: Page;

before(async () => {
  const stack = await startStack();
  // A short window: the table's scroll container is at most 60 % of it high (about ten rows).
  ({ browser, page } = await launchPage({ width: 1200, height: 600 }));
  await page.goto(stack.uiUrl);
});

after(async () => {
  await browser?.close();
  killStarted();
});

/** Waits until the value cell of `pv` shows a number, then until it shows a different one. */
async function waitForLiveValue(pv: string): Promise<void> {
  const cell = page.getByTestId(`value-${pv}`);
  await cell.filter({ hasText: /\d/ }).waitFor();
  const first = (await cell.textContent()) ?? '';
  await cell.filter({ hasNotText: first }).filter({ hasText: /\d/ }).waitFor();
}

describe('the PV table renders only the rows in view', () => {
  it('holds a window of rows and scrolls the others in by keyboard, live', async () => {
    await page.getByRole('button', { name: 'PVs' }).click();
    for (const pv of ADDED) {
      await page.getByLabel('PV name').fill(pv);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    }
    const table = page.getByRole('table', { name: 'PV values' });
    assert.equal(await table.getAttribute('aria-rowcount'), String(ROWS + 1)); // + the header row
    await waitForLiveValue('mini:current');

    // Only a window of the rows is in the DOM: the first ones, not the last.
    const rendered = table.locator('tr[data-pv]');
    const atTop = await rendered.count();
    assert.ok(atTop > 5 && atTop < ROWS, `${atTop} of ${ROWS} rows rendered at the top`);
    assert.equal(await page.locator('tr[data-pv="mini:ph:det"]').count(), 0);

    // End on the focused scroll region scrolls to the bottom: the last row comes in, live.
    const region = page.getByRole('region', { name: 'PV values (scrollable)' });
    await region.focus();
    await page.keyboard.press('End');
    const last = page.locator('tr[data-pv="mini:ph:det"]');
    await last.waitFor();
    assert.equal(await last.getAttribute('aria-rowindex'), String(ROWS + 1));
    await waitForLiveValue('mini:ph:det');
    assert.equal(await page.getByTestId('connection-mini:ph:det').textContent(), 'connected');
    await page.locator('tr[data-pv="mini:current"]').waitFor({ state: 'detached' });
    const atBottom = await rendered.count();
    assert.ok(atBottom < ROWS, `${atBottom} of ${ROWS} rows rendered at the bottom`);
    await page.screenshot({ path: join(SCREENSHOTS, 'pv-table.png'), fullPage: true });

    // Home brings the first row back, still updating.
    await page.keyboard.press('Home');
    await waitForLiveValue('mini:current');
    assert.equal(await page.locator('tr[data-pv="mini:current"]').getAttribute('aria-rowindex'), '2');
  });
});
