/**
 * What every browser test shares: Debian's Chromium (playwright-core downloads no browser), pages
 * with one wait bound, and where screenshots go.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '../../screenshots');
/** Bound for each wait on the page: the stack shares two cores with everything else. */
export const WAIT_MS = 60_000;

type Viewport = { width: number; height: number };

/** A page of `browser` that waits at most WAIT_MS for anything. */
export async function newPage(browser: Browser, viewport?: Viewport): Promise<Page> {
  const page = await browser.newPage(viewport ? { viewport } : {});
  page.setDefaultTimeout(WAIT_MS);
  return page;
}

/** Chromium and a first page (and the screenshot directory). */
export async function launchPage(viewport?: Viewport): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium missing at ${CHROMIUM}: run scripts/provision.sh`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  return { browser, page: await newPage(browser, viewport) };
}
