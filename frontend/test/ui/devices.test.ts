/**
 * The Devices page in a real Chromium against the real stack: a device locked through the
 * configuration service's REST shows its holder in the list and in its panel and goes when
 * unlocked; a disabled device is greyed and says "disabled" until enabled again; pinhole's panel,
 * opened from the keyboard, shows each PV connected with an alarm severity over the pv-socket and
 * unsubscribes them when closed; only the registry's change cursor is asked while nothing changes;
 * every control has an accessible name. `devices.png`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { killStarted } from '../../../cli/test/process.ts';
import type { UiConfig } from '../../src/config.ts';
import { launchPage, SCREENSHOTS, WAIT_MS } from './browser.ts';
import { callRegistry, controlRoles, unnamedControls } from './control-helpers.ts';
import { type Stack, startStack } from './stack.ts';

const LOCK = { device_names: ['sim_mtr2'], item_id: 'ui-devices-test', plan_name: 'ui_devices_scan' };

let stack: Stack;
let browser: Browser;
let page: Page;
let config: UiConfig;
/** Frames the page sent on the pv-socket (to see the panel's unsubscriptions). */
const pvSocketFrames: Record<string, unknown>[] = [];
const frameWaiters = new Set<() => void>();

/** Resolves once the page has sent a pv-socket frame that `matches` (fails after WAIT_MS). */
function sentFrame(matches: (frame: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      frameWaiters.delete(check);
      reject(new Error(`no such frame sent: ${JSON.stringify(pvSocketFrames)}`));
    }, WAIT_MS);
    const check = () => {
      if (!pvSocketFrames.some(matches)) return;
      clearTimeout(timer);
      frameWaiters.delete(check);
      resolve();
    };
    frameWaiters.add(check);
    check();
  });
}

before(async () => {
  stack = await startStack();
  config = (await (await fetch(new URL('/config.json', stack.uiUrl))).json()) as UiConfig;
  ({ browser, page } = await launchPage({ width: 1100, height: 800 }));
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/api/v1/pv-socket')) return;
    socket.on('framesent', ({ payload }) => {
      pvSocketFrames.push(JSON.parse(String(payload)));
      for (const check of [...frameWaiters]) check();
    });
  });
  await page.goto(stack.uiUrl);
});

after(async () => {
  await browser?.close();
  killStarted();
});

const list = () => page.getByRole('list', { name: 'Device list' });

describe('Devices page', () => {
  it('shows a lock and its holder in the list and the panel, and its release', async () => {
    await list().getByRole('button', { name: 'sim_mtr2', exact: true }).waitFor();
    assert.equal(await page.getByTestId('lock-sim_mtr2').count(), 0);
    await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/lock', LOCK);
    await page.getByTestId('lock-sim_mtr2').filter({ hasText: 'locked by ui_devices_scan' }).waitFor();
    await list().getByRole('button', { name: 'sim_mtr2', exact: true }).click();
    await page
      .getByTestId('lock-of-sim_mtr2')
      .filter({ hasText: /^locked by plan 'ui_devices_scan' \(item ui-devices-test\) since / })
      .waitFor();
    await page
      .getByTestId('state-of-sim_mtr2')
      .filter({ hasText: /^enabled$/ })
      .waitFor();
    await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/unlock', {
      device_names: LOCK.device_names,
      item_id: LOCK.item_id,
    });
    await page.getByTestId('lock-sim_mtr2').waitFor({ state: 'detached' });
    await page
      .getByTestId('lock-of-sim_mtr2')
      .filter({ hasText: /^unlocked$/ })
      .waitFor();
  });

  it('greys a disabled device with the word "disabled", and restores it when enabled', async () => {
    const button = list().getByRole('button', { name: 'sim_mtr3', exact: true });
    const opacity = () =>
      button.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).opacity);
    assert.equal(await opacity(), '1');
    await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/sim_mtr3/disable');
    await page
      .getByTestId('enabled-sim_mtr3')
      .filter({ hasText: /^disabled$/ })
      .waitFor();
    assert.equal(await opacity(), '0.6');
    await button.click();
    await page
      .getByTestId('state-of-sim_mtr3')
      .filter({ hasText: /^disabled$/ })
      .waitFor();
    await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/sim_mtr3/enable');
    await page.getByTestId('enabled-sim_mtr3').waitFor({ state: 'detached' });
    await page
      .getByTestId('state-of-sim_mtr3')
      .filter({ hasText: /^enabled$/ })
      .waitFor();
    assert.equal(await opacity(), '1');
  });

  it("opens pinhole from the keyboard and shows each PV's connection and severity live", async () => {
    // Lock and disable one device each, so the screenshot shows both marks beside the panel.
    await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/lock', LOCK);
    await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/sim_mtr3/disable');
    await page.getByLabel('Name').focus();
    const pinhole = list().getByRole('button', { name: 'pinhole', exact: true });
    for (let presses = 0; presses < 200; presses++) {
      if (await pinhole.evaluate((element) => element === element.ownerDocument.activeElement)) break;
      await page.keyboard.press('Tab');
    }
    assert.equal(await pinhole.evaluate((element) => element === element.ownerDocument.activeElement), true);
    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: 'Device pinhole' });
    const rows = panel.getByRole('table', { name: 'PVs of pinhole' }).locator('tbody tr');
    await rows.first().waitFor();
    const pvs = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-pv') ?? ''));
    assert.ok(pvs.length > 0 && pvs.every((pv) => pv.length > 0), JSON.stringify(pvs));
    for (const pv of pvs) {
      await page
        .getByTestId(`health-${pv}`)
        .filter({ hasText: /^connected$/ })
        .waitFor();
      await page
        .getByTestId(`severity-${pv}`)
        .filter({ hasText: /^(NO_ALARM|MINOR|MAJOR|INVALID)$/ })
        .waitFor();
    }
    await page.getByTestId('lock-sim_mtr2').waitFor();
    await page.getByTestId('enabled-sim_mtr3').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'devices.png'), fullPage: true });

    // Closing the panel (keyboard: Enter on its Close button) unsubscribes every one of its PVs.
    await panel.getByRole('button', { name: 'Close pinhole' }).focus();
    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'detached' });
    await Promise.all(
      pvs.map((pv) => sentFrame((frame) => frame.action === 'unsubscribe' && frame.pv === pv)),
    );
    await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/sim_mtr3/enable');
    await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/unlock', {
      device_names: LOCK.device_names,
      item_id: LOCK.item_id,
    });
  });

  it('asks only the change cursor while nothing changes, no device statuses', async () => {
    // The last test's unlock and enable are shown: the check that saw them has fetched statuses.
    await page.getByTestId('lock-sim_mtr2').waitFor({ state: 'detached' });
    await page.getByTestId('enabled-sim_mtr3').waitFor({ state: 'detached' });
    const path = (url: string) => new URL(url).pathname;
    let statusRequests = 0;
    const countStatus = (request: { url(): string }) => {
      if (/^\/api\/v1\/devices\/[^/]+\/status$/.test(path(request.url()))) statusRequests++;
    };
    page.on('request', countStatus);
    try {
      for (let checks = 0; checks < 2; checks++) {
        const cursor = await page.waitForResponse((r) => path(r.url()) === '/api/v1/devices/changes');
        assert.equal(cursor.status(), 200);
      }
    } finally {
      page.off('request', countStatus);
    }
    assert.equal(statusRequests, 0);
  });

  it('gives every control an accessible name', async () => {
    const roles = await controlRoles(page);
    assert.ok((roles.button ?? 0) >= 5 && (roles.combobox ?? 0) >= 1, JSON.stringify(roles));
    assert.deepEqual(await unnamedControls(page), []);
  });
});
