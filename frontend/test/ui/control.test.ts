/**
 * Writes from the PVs page in a real Chromium against the real stack (IOCs run apart so the test
 * can kill them): set-points by keyboard with limits checked in the page, an enum set by its
 * choice, motor_ph and sim_mtr1 moved (absolute, relative, stop) with readback and DMOV, refusals
 * (a disabled and a locked device) shown verbatim, the IOC killed and restarted, a read-only
 * service's controls disabled with its reason, and an accessible name on every control.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '../../../cli/test/network.ts';
import { BIN, killStarted, run } from '../../../cli/test/process.ts';
import type { UiConfig } from '../../src/config.ts';
import { launchPage, newPage, SCREENSHOTS } from './browser.ts';
import { addPv, callRegistry, controlRoles, unnamedControls } from './control-helpers.ts';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
let config: UiConfig;
/** Where motor_ph was stopped (later refused writes must leave it there). */
let phPosition = '';
/** Write requests the page sent to direct control (the page must refuse bad input before sending). */
let writes = 0;

before(async () => {
  stack = await startStack({ iocApart: true });
  config = (await (await fetch(new URL('/config.json', stack.uiUrl))).json()) as UiConfig;
  ({ browser, page } = await launchPage());
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/pv/set') writes++;
  });
  await page.goto(stack.uiUrl);
  await page.getByRole('button', { name: 'PVs' }).click();
});

after(async () => {
  await browser?.close();
  killStarted();
});

describe('PV page controls', () => {
  it('learns from the service that writes are on, and labels every control', async () => {
    await page.getByLabel('Write access').filter({ hasText: /^on$/ }).waitFor();
    await addPv(page, 'mini:ph:exp');
    await addPv(page, '13SIM1:cam1:ColorMode');
    await page.getByLabel('Readback of motor_ph').filter({ hasText: /\d/ }).waitFor();
    // Every control has a name in Chromium's own accessibility tree (what a screen reader says).
    const roles = await controlRoles(page);
    assert.ok((roles.spinbutton ?? 0) >= 2 && (roles.combobox ?? 0) >= 1, JSON.stringify(roles));
    assert.deepEqual(await unnamedControls(page), []);
    // A read-only PV (the beam current) shows why it has no set-point.
    await page
      .getByLabel('Write result for mini:current')
      .filter({ hasText: 'does not allow writes' })
      .waitFor();
    assert.equal(await page.getByLabel('Set mini:current').isDisabled(), true);
  });

  it('sets a number by keyboard and refuses out-of-range input before sending', async () => {
    const box = page.getByLabel('Set-point for mini:ph:exp');
    assert.equal(await box.getAttribute('max'), '10');
    await box.focus();
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('value-mini:ph:exp')
      .filter({ hasText: /^2(\.0+)?$/ })
      .waitFor();
    await page.getByLabel('Write result for mini:ph:exp').filter({ hasText: 'Write accepted' }).waitFor();
    const sent = writes;
    await box.fill('11');
    // Tab from the box to its Set button and press it from the keyboard.
    await page.keyboard.press('Tab');
    const setButton = page.getByLabel('Set mini:ph:exp');
    assert.equal(await setButton.evaluate((button) => button === button.ownerDocument.activeElement), true);
    await page.keyboard.press('Enter');
    await page
      .getByLabel('Write result for mini:ph:exp')
      .filter({ hasText: 'Refused: 11 is outside the control limits [0, 10]' })
      .waitFor();
    assert.equal(writes, sent, 'an out-of-range value reached the service');
    assert.match((await page.getByTestId('value-mini:ph:exp').textContent()) ?? '', /^2(\.0+)?$/);
  });

  it('sets an enum PV by its choice', async () => {
    const choice = page.getByLabel('Choice for 13SIM1:cam1:ColorMode');
    assert.deepEqual(await choice.locator('option').allTextContents(), [
      'Mono',
      'Bayer',
      'RGB1',
      'RGB2',
      'RGB3',
      'YUV444',
      'YUV422',
      'YUV421',
    ]);
    await choice.selectOption({ label: 'RGB1' });
    await page.getByLabel('Set 13SIM1:cam1:ColorMode').click();
    await page
      .getByTestId('value-13SIM1:cam1:ColorMode')
      .filter({ hasText: /^RGB1$/ })
      .waitFor();
    await choice.selectOption({ label: 'Mono' });
    await page.getByLabel('Set 13SIM1:cam1:ColorMode').click();
    await page
      .getByTestId('value-13SIM1:cam1:ColorMode')
      .filter({ hasText: /^Mono$/ })
      .waitFor();
  });

  it('moves motor_ph absolutely and relatively, within its limits, by keyboard', async () => {
    const motion = page.getByLabel('Motion of motor_ph');
    const readback = page.getByLabel('Readback of motor_ph');
    assert.equal(await page.getByLabel('Limits of motor_ph').textContent(), '-30 … 30');
    await page.getByLabel('Target position').fill('3');
    await page.getByLabel('Target position').press('Enter');
    // The put completes when the move ends: moving until then, with the readback on its way.
    await motion.filter({ hasText: /^moving$/ }).waitFor();
    await readback.filter({ hasText: /^(0\.[1-9]\d*|[12]\.\d+)$/ }).waitFor();
    await motion.filter({ hasText: /^idle$/ }).waitFor();
    assert.equal(await readback.textContent(), '3.000');
    assert.equal(await page.getByLabel('Progress of motor_ph').getAttribute('value'), '1');
    await page.getByLabel('Step', { exact: true }).fill('1.5');
    await page.getByRole('button', { name: 'Tweak down by step' }).focus();
    await page.keyboard.press('Enter');
    await readback.filter({ hasText: /^1\.500$/ }).waitFor();
    await motion.filter({ hasText: /^idle$/ }).waitFor();
    await page.getByLabel('Target position').fill('99');
    await page.getByRole('button', { name: 'Move', exact: true }).press('Enter');
    await page
      .getByLabel('Motor result for motor_ph')
      .filter({ hasText: '99 is outside the control limits [-30, 30]' })
      .waitFor();
  });

  it('stops motor_ph mid-move where it is', async () => {
    const motion = page.getByLabel('Motion of motor_ph');
    const readback = page.getByLabel('Readback of motor_ph');
    await page.getByLabel('Target position').fill('20');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await motion.filter({ hasText: /^moving$/ }).waitFor();
    // On its way (past 2), far from the target: then stopped.
    await readback.filter({ hasText: /^([2-9])\.\d+$/ }).waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await motion.filter({ hasText: /^idle$/ }).waitFor();
    phPosition = (await readback.textContent()) ?? '';
    assert.ok(Number(phPosition) > 2 && Number(phPosition) < 20, `stopped at ${phPosition}`);
    // Stopped for good: a fresh read from the IOC is where the panel says it stopped.
    const read = await fetch(`${config.directControlUrl}/api/v1/pv/mini:ph:mtr/value`);
    assert.equal(((await read.json()) as { value: number }).value.toFixed(3), phPosition);
  });

  it('shows the refusal of a disabled and of a locked device verbatim', async () => {
    await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/motor_ph/disable');
    try {
      await page.getByLabel('Target position').fill('2');
      await page.getByRole('button', { name: 'Move', exact: true }).click();
      await page
        .getByLabel('Motor result for motor_ph')
        .filter({ hasText: "Refused: Device 'motor_ph' is disabled" })
        .waitFor();
    } finally {
      await callRegistry(config.configurationUrl, 'PATCH', '/api/v1/devices/motor_ph/enable');
    }
    const lock = { device_names: ['motor_ph'], item_id: 'ui-control-test', plan_name: 'ui_scan' };
    await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/lock', lock);
    try {
      await addPv(page, 'mini:ph:mtr');
      await page.getByLabel('Set-point for mini:ph:mtr').fill('2');
      await page.getByLabel('Set-point for mini:ph:mtr').press('Enter');
      await page
        .getByLabel('Write result for mini:ph:mtr')
        .filter({ hasText: "Refused: Device 'motor_ph' is locked by plan 'ui_scan'" })
        .waitFor();
    } finally {
      await callRegistry(config.configurationUrl, 'POST', '/api/v1/devices/unlock', {
        device_names: ['motor_ph'],
        item_id: lock.item_id,
      });
    }
    assert.equal(await page.getByLabel('Readback of motor_ph').textContent(), phPosition);
  });

  it('moves the motor record sim_mtr1 until DMOV returns, and stops it', async () => {
    await page.getByLabel('Motor device').fill('sim_mtr1');
    await page.getByRole('button', { name: 'Show motor' }).click();
    const motion = page.getByLabel('Motion of sim_mtr1');
    await motion.filter({ hasText: /^idle \(DMOV 1\)$/ }).waitFor();
    assert.equal(await page.getByLabel('Limits of sim_mtr1').textContent(), '0 … 10');
    await page.getByLabel('Target position').fill('1');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await motion.filter({ hasText: /^moving \(DMOV 0\)$/ }).waitFor();
    await motion.filter({ hasText: /^idle \(DMOV 1\)$/ }).waitFor();
    assert.equal(await page.getByLabel('Readback of sim_mtr1').textContent(), '1.000');
    await page.getByLabel('Target position').fill('9');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await motion.filter({ hasText: /^moving \(DMOV 0\)$/ }).waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await motion.filter({ hasText: /^idle \(DMOV 1\)$/ }).waitFor();
    const stoppedAt = Number(await page.getByLabel('Readback of sim_mtr1').textContent());
    assert.ok(stoppedAt >= 1 && stoppedAt < 9, `stopped at ${stoppedAt}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'control.png'), fullPage: true });
  });

  it('shows the IOC gone at once and its values back by themselves after a restart', async () => {
    const connection = page.getByTestId('connection-mini:current');
    await connection.filter({ hasText: /^connected$/ }).waitFor();
    stack.ioc?.child.kill('SIGKILL');
    await stack.ioc?.exit();
    await connection.filter({ hasText: /^disconnected$/ }).waitFor();
    await page
      .getByLabel('Write result for mini:ph:exp')
      .filter({ hasText: /^disconnected$/ })
      .waitFor();
    assert.equal(await page.getByLabel('Set mini:ph:exp').isDisabled(), true);
    // The motor panel (sim_mtr1, over the device socket) says so too, and will not move.
    const motorResult = page.getByLabel('Motor result for sim_mtr1');
    await motorResult.filter({ hasText: /^disconnected$/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Move', exact: true }).isDisabled(), true);
    await page.screenshot({ path: join(SCREENSHOTS, 'control-disconnected.png'), fullPage: true });
    stack.ioc = await stack.startIoc?.();
    await connection.filter({ hasText: /^connected$/ }).waitFor();
    const cell = page.getByTestId('value-mini:current');
    const first = (await cell.textContent()) ?? '';
    await cell.filter({ hasNotText: first }).filter({ hasText: /\d/ }).waitFor();
    assert.equal(await page.getByLabel('Set mini:ph:exp').isDisabled(), false);
    // The restarted IOC's motor (back at 0) moves again from the same panel.
    await motorResult.filter({ hasNotText: 'disconnected' }).waitFor();
    await page.getByLabel('Target position').fill('0.5');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await page
      .getByLabel('Readback of sim_mtr1')
      .filter({ hasText: /^0\.500$/ })
      .waitFor();
    await page
      .getByLabel('Motion of sim_mtr1')
      .filter({ hasText: /^idle \(DMOV 1\)$/ })
      .waitFor();
  });

  it('shows every control disabled with the reason when the service is read-only', async () => {
    const port = await freePort();
    const readOnly = run(BIN, ['direct-control', '--port', String(port)], {
      ...stack.env,
      DIRECT_CONTROL_PORT: String(port),
      DIRECT_CONTROL_GLOBAL_READ_ONLY: 'true',
    });
    await readOnly.waitFor(/listening on/);
    const other = await newPage(browser);
    // The same page, told (by its /config.json) to use the read-only service.
    await other.route('**/config.json', (route) =>
      route.fulfill({ json: { ...config, directControlUrl: `http://127.0.0.1:${port}` } }),
    );
    await other.goto(stack.uiUrl);
    await other.getByRole('button', { name: 'PVs' }).click();
    await other.getByLabel('Write access').filter({ hasText: 'writes are off on this service' }).waitFor();
    await addPv(other, 'mini:ph:exp');
    await other
      .getByLabel('Write result for mini:ph:exp')
      .filter({ hasText: 'writes are off on this service' })
      .waitFor();
    assert.equal(await other.getByLabel('Set mini:ph:exp').isDisabled(), true);
    assert.equal(await other.getByRole('button', { name: 'Move', exact: true }).isDisabled(), true);
    await other.screenshot({ path: join(SCREENSHOTS, 'control-read-only.png'), fullPage: true });
    await other.close();
  });
});
