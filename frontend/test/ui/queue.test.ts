/**
 * The Queue page in a real Chromium against the real stack: a plan form generated from the plan
 * descriptions (a bad number refused before any request, a `scan` with a detector and a motor from
 * the pickers), reorder by buttons (keyboard) and by drag, duplicate, remove, edit; another
 * client's lock and the refusals it causes; start, queue stop and its cancel, pause, resume,
 * results in history, the running plan's run; a history item copied back and aborted; the
 * environment closed; every control labelled.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { killStarted } from '../../../cli/test/process.ts';
import { launchPage, SCREENSHOTS } from './browser.ts';
import { type Stack, startStack } from './stack.ts';

let stack: Stack;
let browser: Browser;
let page: Page;
/** `POST /api/queue/item/add` requests the page sent: none may go out for an invalid form. */
let addRequests = 0;

before(async () => {
  stack = await startStack();
  ({ browser, page } = await launchPage());
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/api/queue/item/add')
      addRequests++;
  });
  await page.goto(stack.uiUrl);
  await page.getByRole('button', { name: 'Queue', exact: true }).click();
});

after(async () => {
  await browser?.close();
  killStarted();
});

const queueItems = () => page.getByRole('list', { name: 'Queue items' }).getByRole('listitem');
/** The queued items' plan names, front first. */
const queueNames = async () => queueItems().locator('strong').allTextContents();
/** Waits until the queue shows exactly these plan names in this order. */
async function waitForQueue(names: string[]) {
  // Runs in the page: the plan names of the queue's items, front first, joined.
  const shown = `[...document.querySelectorAll('[aria-label="Queue items"] > li > strong')].map((e) => e.textContent).join(',')`;
  await page.waitForFunction(`${shown} === ${JSON.stringify(names.join(','))}`);
}

/** The queue server's request with this run's key, as another client (not the page) sends it. */
async function queueServer(path: string, body: object) {
  const config = (await (await fetch(`${stack.uiUrl}config.json`)).json()) as Record<string, string>;
  const response = await fetch(`${config.queueServerUrl}${path}`, {
    method: 'POST',
    headers: { Authorization: `ApiKey ${config.queueServerApiKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { success: boolean; msg: string };
}

describe('queue page', () => {
  it('refuses a bad number in the form before sending, then adds count from the keyboard', async () => {
    await page.getByRole('button', { name: 'Open environment' }).click();
    const plan = page.getByLabel('Plan', { exact: true });
    await plan.locator('option', { hasText: /^scan$/ }).waitFor({ state: 'attached' });
    await plan.selectOption('count');
    await page.getByLabel('detectors').selectOption(['det1']);
    const num = page.getByLabel('num', { exact: true });
    await num.fill('two');
    await num.press('Enter');
    const errors = page.getByRole('alert', { name: 'Form errors' });
    await errors.getByText('num: "two" is not a number').waitFor();
    assert.equal(addRequests, 0);
    // A slow count (40 readings half a second apart) leaves time to stop and pause it later.
    await num.fill('40');
    await page.getByLabel('delay', { exact: true }).fill('0.5');
    await num.press('Enter');
    await waitForQueue(['count']);
    assert.equal(addRequests, 1);
    await errors.waitFor({ state: 'detached' });
  });

  it('adds a scan with a detector and a motor picked from the pickers', async () => {
    await page.getByLabel('Plan', { exact: true }).selectOption('scan');
    await page.getByLabel('detectors').selectOption(['det1']);
    await page.getByLabel('args device 1').selectOption('motor');
    await page.getByLabel('args values 1').fill('-1, 1');
    await page.getByLabel('num', { exact: true }).fill('3');
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await waitForQueue(['count', 'scan']);
    const scan = queueItems().nth(1);
    assert.match((await scan.textContent()) ?? '', /\(\["det1"\], "motor", -1, 1, num=3\)/);
    assert.match((await scan.textContent()) ?? '', /by UNAUTHENTICATED_SINGLE_USER/);
  });

  it('reorders by the move buttons (one from the keyboard), to top and bottom, by drag; duplicates and removes', async () => {
    await page.getByRole('button', { name: 'Move scan (item 2) up' }).focus();
    await page.keyboard.press('Enter');
    await waitForQueue(['scan', 'count']);
    await queueItems().nth(1).dragTo(queueItems().nth(0));
    await waitForQueue(['count', 'scan']);
    await page.getByRole('button', { name: 'Move count (item 1) to the bottom' }).click();
    await waitForQueue(['scan', 'count']);
    await page.getByRole('button', { name: 'Move count (item 2) to the top' }).click();
    await waitForQueue(['count', 'scan']);
    // A duplicate lands right after its original, and goes again.
    await page.getByRole('button', { name: 'Duplicate scan (item 2)' }).click();
    await waitForQueue(['count', 'scan', 'scan']);
    assert.notEqual(
      await queueItems().nth(2).getAttribute('data-uid'),
      await queueItems().nth(1).getAttribute('data-uid'),
    );
    await page.getByRole('button', { name: 'Remove scan (item 3)' }).click();
    await waitForQueue(['count', 'scan']);
    await page.getByLabel('Plan', { exact: true }).selectOption('mv');
    await page.getByLabel('args device 1').selectOption('motor1');
    await page.getByLabel('args values 1').fill('0.5');
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await waitForQueue(['count', 'scan', 'mv']);
    await page.getByRole('button', { name: 'Remove mv (item 3)' }).click();
    await waitForQueue(['count', 'scan']);
  });

  it('edits a queued item in the form, keeping its place and uid', async () => {
    const uid = await queueItems().nth(1).getAttribute('data-uid');
    await page.getByRole('button', { name: 'Edit scan (item 2)' }).click();
    await page.getByRole('heading', { name: 'Edit queued scan' }).waitFor();
    const num = page.getByLabel('num', { exact: true });
    assert.equal(await num.inputValue(), '3');
    assert.equal(await page.getByLabel('args device 1').inputValue(), 'motor');
    await num.fill('4');
    await page.getByRole('button', { name: 'Save item' }).click();
    await queueItems().nth(1).filter({ hasText: 'num=4' }).waitFor();
    assert.equal(await queueItems().nth(1).getAttribute('data-uid'), uid);
    assert.deepEqual(await queueNames(), ['count', 'scan']);
  });

  it('shows the lock another client takes, its refusals with their reason, and the unlock', async () => {
    const lock = page.getByTestId('lock');
    assert.equal(await lock.textContent(), 'not locked');
    const body = { lock_key: 'k', user: 'Operator', environment: true, queue: true, note: 'alignment' };
    const locked = await queueServer('/api/lock', body);
    assert.equal(locked.success, true, locked.msg);
    // The flags come with the status; the holder, time and note from /api/lock/info (a GET without
    // a body, which our server takes) when lock_info_uid changes. Over HTTP the holder is the
    // authenticated user (the single-user key's), not the body's `user`.
    await lock
      .filter({
        hasText: /^environment and queue locked by UNAUTHENTICATED_SINGLE_USER since .+: alignment$/,
      })
      .waitFor();
    // Both refusals carry the server's text, which names the note of the lock.
    const message = page.getByTestId('queue-message');
    await page.getByRole('button', { name: 'Start queue' }).click();
    await message.filter({ hasText: /^Start queue refused: .*Invalid lock key:.*alignment/s }).waitFor();
    await page.getByRole('button', { name: 'Add to queue' }).click();
    await message.filter({ hasText: /^Add scan refused: .*Invalid lock key:.*alignment/s }).waitFor();
    assert.deepEqual(await queueNames(), ['count', 'scan']);
    assert.equal((await queueServer('/api/unlock', { lock_key: 'k' })).success, true);
    await lock.filter({ hasText: /^not locked$/ }).waitFor();
  });

  it('starts the queue, pauses and resumes, and sees both plans completed in history', async () => {
    await page
      .getByTestId('environment')
      .filter({ hasText: /^open$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Start queue' }).click();
    // The running count with its elapsed time and its step from the live table on the console.
    await page
      .getByTestId('running-item')
      .filter({ hasText: /^count .*, \d+ s, step \d+ of 40$/ })
      .waitFor();
    // The run the count opened, from /api/re/runs/active.
    await page
      .getByTestId('runs')
      .filter({ hasText: /^scan \d+ [0-9a-f]{8} open$/ })
      .waitFor();
    // A queue stop waits for the plan to end: pending, until cancelled.
    const stopPending = page.getByTestId('stop-pending');
    await page.getByRole('button', { name: 'Stop queue' }).click();
    await stopPending.filter({ hasText: /^pending$/ }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Stop queue' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Cancel stop' }).click();
    await stopPending.filter({ hasText: /^no$/ }).waitFor();
    await page.getByRole('button', { name: 'Pause (immediate)' }).click();
    await page
      .getByTestId('manager-state')
      .filter({ hasText: /^paused$/ })
      .waitFor();
    assert.equal(await page.getByTestId('re-state').textContent(), 'paused');
    assert.equal(await page.getByRole('button', { name: 'Start queue' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Resume' }).click();
    const history = page.getByRole('list', { name: 'History items' }).getByRole('listitem');
    await history.filter({ hasText: /^scan .*: completed/ }).waitFor();
    assert.deepEqual(await history.locator('strong').allTextContents(), ['scan', 'count']);
    assert.deepEqual(
      await history.evaluateAll((items) => items.map((i) => i.getAttribute('data-exit-status'))),
      ['completed', 'completed'],
    );
    assert.match((await history.first().textContent()) ?? '', /runs [0-9a-f]{8}/);
    await page
      .getByTestId('manager-state')
      .filter({ hasText: /^idle$/ })
      .waitFor();
    assert.equal(await queueItems().count(), 0);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-history.png'), fullPage: true });
  });

  it('copies a plan from history to the queue, aborts it paused: aborted (amber), back in the queue', async () => {
    await page.getByRole('button', { name: 'Copy count (history item 1) to the queue' }).click();
    await waitForQueue(['count']);
    await page.getByRole('button', { name: 'Start queue' }).click();
    await page
      .getByTestId('running-item')
      .filter({ hasText: /^count .*step \d+ of 40$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Pause (deferred)' }).click();
    await page
      .getByTestId('manager-state')
      .filter({ hasText: /^paused$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Abort', exact: true }).click();
    const aborted = page.getByRole('list', { name: 'History items' }).getByRole('listitem').first();
    await aborted.filter({ hasText: /^count \(\["det1"\], 40, 0\.5\): aborted/ }).waitFor();
    const colour = await aborted
      .getByText('aborted', { exact: true })
      .evaluate((e) => (e as unknown as { style: { color: string } }).style.color);
    assert.equal(colour, 'darkorange');
    await page
      .getByTestId('manager-state')
      .filter({ hasText: /^idle$/ })
      .waitFor();
    await waitForQueue(['count']);
  });

  it('closes the environment', async () => {
    await page.getByRole('button', { name: 'Close environment' }).click();
    await page
      .getByTestId('environment')
      .filter({ hasText: /^closed$/ })
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Open environment' }).isEnabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Close environment' }).isDisabled(), true);
  });

  it('labels every control and operates a button from the keyboard', async () => {
    const unlabelled = await page.locator('section[aria-labelledby="queue-title"]').evaluate((section) =>
      [...section.querySelectorAll('button, input, select, textarea')]
        .filter((control) => {
          const labels = (control as { labels?: ArrayLike<unknown> | null }).labels;
          const named =
            control.getAttribute('aria-label') ||
            (control.tagName === 'BUTTON' && control.textContent?.trim());
          return !named && !labels?.length;
        })
        .map((control) => control.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    // Space on a focused button opens the environment again.
    await page.getByRole('button', { name: 'Open environment' }).focus();
    await page.keyboard.press('Space');
    await page
      .getByTestId('environment')
      .filter({ hasText: /^open$/ })
      .waitFor();
  });
});
