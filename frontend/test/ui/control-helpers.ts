/** Steps the control browser test repeats: adding a PV, asking the registry, finding unnamed controls. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Adds a PV to the PV table by name and waits until its row is connected. */
export async function addPv(page: Page, pv: string): Promise<void> {
  await page.getByLabel('PV name').fill(pv);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page
    .getByTestId(`connection-${pv}`)
    .filter({ hasText: /^connected$/ })
    .waitFor();
}

/** A call to the configuration service's REST API that must succeed (a lock, a disable…). */
export async function callRegistry(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${method} ${path}: ${await response.text()}`);
}

const CONTROL_ROLES = new Set(['button', 'textbox', 'spinbutton', 'combobox', 'checkbox', 'slider']);

interface AxNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
}

/**
 * The controls on the page that Chromium's own accessibility tree gives no name (what a screen
 * reader would announce), as "role" strings; empty when every control is labelled.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    return nodes
      .filter((node) => !node.ignored && CONTROL_ROLES.has(node.role?.value ?? ''))
      .filter((node) => !node.name?.value?.trim())
      .map((node) => node.role?.value ?? '?');
  } finally {
    await cdp.detach();
  }
}

/** How many controls of each role Chromium's accessibility tree holds (to show the check saw them). */
export async function controlRoles(page: Page): Promise<Record<string, number>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
    const counts: Record<string, number> = {};
    for (const node of nodes) {
      const role = node.role?.value ?? '';
      if (!node.ignored && CONTROL_ROLES.has(role)) counts[role] = (counts[role] ?? 0) + 1;
    }
    return counts;
  } finally {
    await cdp.detach();
  }
}
