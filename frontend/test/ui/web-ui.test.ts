/**
 * The web UI in a real Chromium (Debian's, through playwright-core) against the real stack:
 * devices filtered by label, mini:current live in the PV table (and an unknown PV's reason), a
 * `count` plan added through the form, run with its live table on the console socket and landed in
 * history, status pushed rather than polled. Each screen is saved under frontend/screenshots/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { killStarted } from '../../../cli/test/process.ts';
import type { UiConfig } from '../../src/config.ts';
import { launchPage, SCREENSHOTS } from './browser.ts';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
/** `GET /api/status` requests the page made: the Queue page must take status from the socket. */
let statusPolls = 0;

before(async () => {
  stack = await startStack();
  ({ browser, page } = await launchPage());
  page.on('request', (request) => {
    if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/status') statusPolls++;
  });
  await page.goto(stack.uiUrl);
});

after(async () => {
  await browser?.close();
  killStarted();
});

/** The registry's own device list for `query`, from the configuration service the page is told about. */
async function registryDevices(query: string): Promise<string[]> {
  const { configurationUrl } = (await (await fetch(new URL('/config.json', stack.uiUrl))).json()) as UiConfig;
  return (await (await fetch(`${configurationUrl}/api/v1/devices?${query}`)).json()) as string[];
}

describe('web UI', () => {
  it("filters the registry by label and name, and shows a device's PVs", async () => {
    const list = page.getByRole('list', { name: 'Device list' });
    const motor = list.getByRole('button', { name: 'sim_mtr1', exact: true });
    // What the registry itself lists as motors (the seed has sim_mtr1 among them, beam_current not).
    const registryMotors = await registryDevices('device_label=motor');
    assert.ok(
      registryMotors.includes('sim_mtr1') && !registryMotors.includes('beam_current'),
      `${registryMotors}`,
    );
    await page.getByLabel('Label').selectOption('motor');
    // The list may show every device before the filtered answer arrives: wait until it is that list.
    const shown = `[...document.querySelectorAll('[aria-label="Device list"] button')].map((b) => b.textContent).join(',')`;
    await page.waitForFunction(`${shown} === ${JSON.stringify(registryMotors.join(','))}`);
    await page.getByLabel('Label').selectOption('detector');
    await motor.waitFor({ state: 'detached' });
    await list.getByRole('button', { name: 'pinhole', exact: true }).waitFor();
    await page.getByLabel('Label').selectOption('');
    await page.getByLabel('Name').fill('mtr');
    await list.getByRole('button', { name: 'pinhole', exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await list.getByRole('button').allTextContents(), ['sim_mtr1', 'sim_mtr2', 'sim_mtr3']);
    await motor.click();
    await page.getByRole('region', { name: 'Device sim_mtr1' }).getByText('sim:mtr1').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'devices.png'), fullPage: true });
  });

  it("keeps the newest filter's list when an older answer comes late", async () => {
    const phDevices = await registryDevices('pattern=*ph*');
    const devices = (url: URL) => url.pathname === '/api/v1/devices';
    // Each request over (answered, or cancelled by the page), as the page saw it.
    const over = (filtered: boolean) =>
      new Promise<void>((resolve) => {
        const done = (r: Request) => {
          const url = new URL(r.url());
          if (devices(url) && url.searchParams.has('pattern') === filtered) resolve();
        };
        page.on('requestfinished', done);
        page.on('requestfailed', done);
      });
    const bothOver = Promise.all([over(true), over(false)]);
    // The unfiltered list is held back until the `ph` filter's answer has reached the page.
    let filteredAnswered!: () => void;
    const answered = new Promise<void>((resolve) => {
      filteredAnswered = resolve;
    });
    await page.route(devices, async (route) => {
      if (new URL(route.request().url()).searchParams.has('pattern')) {
        await route.fulfill({ response: await route.fetch() });
        filteredAnswered();
        return;
      }
      await answered;
      await route.continue().catch(() => {}); // the page may have cancelled it
    });
    try {
      await page.getByLabel('Name').fill('');
      await page.getByLabel('Name').fill('ph');
      await bothOver;
      // Two frames after both: whatever the answers were going to render has rendered.
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const list = page.getByRole('list', { name: 'Device list' });
      assert.deepEqual(await list.getByRole('button').allTextContents(), phDevices);
    } finally {
      await page.unroute(devices);
    }
  });

  it('shows mini:current updating in the PV table', async () => {
    await page.getByRole('button', { name: 'PVs' }).click();
    const cell = page.getByTestId('value-mini:current');
    await cell.filter({ hasText: /\d/ }).waitFor();
    const first = (await cell.textContent()) ?? '';
    // A later value: the cell's text differs from the first one seen (the IOC updates it at 10 Hz).
    await cell.filter({ hasNotText: first }).filter({ hasText: /\d/ }).waitFor();
    assert.equal(await page.getByLabel('Socket state').textContent(), 'open');
    assert.match((await cell.textContent()) ?? '', /^-?\d/);
    // A PV added by name that no IOC serves: its row says why it has no value.
    await page.getByLabel('PV name').fill('nope:missing');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const missing = page.locator('tr[data-pv="nope:missing"]');
    await missing.filter({ hasNotText: 'waiting' }).waitFor();
    assert.match((await missing.textContent()) ?? '', /PV 'nope:missing' not found in the registry/);
    await page.screenshot({ path: join(SCREENSHOTS, 'pvs.png'), fullPage: true });
  });

  it('adds a count plan through the form, starts the queue and sees it in history', async () => {
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByRole('button', { name: 'Open environment' }).click();
    await page
      .getByTestId('environment')
      .filter({ hasText: /^open$/ })
      .waitFor();
    // The plan form is generated from the plan descriptions: count with det1 picked, num 2.
    await page.getByLabel('Plan', { exact: true }).selectOption('count');
    await page.getByLabel('detectors').selectOption(['det1']);
    await page.getByLabel('num', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    const queue = page.getByRole('list', { name: 'Queue items' });
    await queue.getByText('count').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'queue.png'), fullPage: true });
    await page.getByRole('button', { name: 'Start queue' }).click();
    // The plan's live table (header naming the detector, then row 1) arrives on the console socket.
    const consolePanel = page.getByRole('log', { name: 'Console' });
    await consolePanel.filter({ hasText: /seq_num .*det1 .*\n.*\n\|\s+1 \|/ }).waitFor();
    const history = page.getByRole('list', { name: 'History items' });
    await history.getByText(/count .*: completed/).waitFor();
    assert.equal(await queue.getByRole('listitem').count(), 0);
    // The status line gets back to idle from pushed status alone: the page never polled.
    await page
      .getByTestId('manager-state')
      .filter({ hasText: /^idle$/ })
      .waitFor();
    assert.equal(await page.getByLabel('Status socket state').textContent(), 'open');
    assert.equal(statusPolls, 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'history.png'), fullPage: true });
  });
});
