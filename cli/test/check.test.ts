/**
 * `ophyd-service check` against a real stack (the simulated IOCs, the configuration service seeded
 * from the stack's seed, direct control with writes on, and a second, read-only direct control),
 * and against addresses where nothing answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@ophyd-service/service-kit';
import {
  createDirectControlService,
  type DirectControlService,
} from '../../services/direct-control/src/app.ts';
import { readConfig } from '../../services/direct-control/src/config.ts';
import { HttpRegistry } from '../../services/direct-control/src/registry/http-registry.ts';
import { type Stack, startStack } from '../../services/direct-control/test/stack.ts';
import { freePort } from './network.ts';
import { BIN, killStarted, run } from './process.ts';

let stack: Stack;
let readOnly: DirectControlService;
let readOnlyUrl: string;

before(async () => {
  stack = await startStack();
  // Direct control as a deployment keeps it by default: read-only, on the same IOCs and registry.
  readOnly = createDirectControlService({
    config: readConfig({ DIRECT_CONTROL_CONFIGURATION_SERVICE_URL: stack.config.url }),
    client: stack.client,
    registry: new HttpRegistry({ baseUrl: stack.config.url }),
    logger: createLogger('direct_control', 'silent'),
  });
  readOnlyUrl = (await readOnly.listen(0, '127.0.0.1')).url;
});
after(async () => {
  killStarted();
  await readOnly?.close();
  await stack?.close();
});

/** Runs `check` and waits for it: its exit code and its lines. */
async function check(args: string[]) {
  const cli = run(BIN, ['check', ...args]);
  const exit = await cli.exit();
  return { code: exit.code, lines: cli.stdout, output: cli.output() };
}

describe('ophyd-service check', () => {
  it('passes every check against the stack, one PASS line each, and exits 0', async () => {
    const { code, lines, output } = await check([
      '--config-url',
      stack.config.url,
      '--direct-url',
      stack.url,
    ]);
    assert.equal(code, 0, output);
    const results = lines.slice(0, -1);
    assert.ok(results.length >= 10, output);
    for (const line of results) assert.match(line, /^PASS /);
    for (const name of [
      'configuration: health and readiness',
      'configuration: device lifecycle',
      'direct-control: PV write round trip',
      'direct-control: device operations',
      'direct-control: typed refusals',
      'direct-control: pv-socket streams mini:current',
      'direct-control: device-socket streams beam_current',
    ])
      assert.ok(results.includes(`PASS ${name}`), `${name} in:\n${output}`);
    assert.equal(lines.at(-1), `${results.length} passed, 0 failed`);
  });

  it('tells the services apart by their /health when given bare URLs', async () => {
    const { code, lines, output } = await check([stack.url, stack.config.url]);
    assert.equal(code, 0, output);
    assert.ok(lines.includes('PASS configuration: browse devices'), output);
    assert.ok(lines.includes('PASS direct-control: PV reads'), output);
  });

  it('checks that a read-only direct control refuses writes, instead of writing', async () => {
    const read = async () =>
      ((await (await fetch(`${stack.url}/api/v1/pv/mini:dot:mtrx/value`)).json()) as { value: number }).value;
    const before = await read();
    const { code, lines, output } = await check(['--direct-url', readOnlyUrl, '--pv', 'mini:ph:mtr']);
    assert.equal(code, 0, output);
    assert.ok(lines.includes('PASS direct-control: writes refused (read-only)'), output);
    assert.ok(lines.includes('PASS direct-control: pv-socket streams mini:ph:mtr'), output);
    assert.ok(!lines.some((l) => l.includes('write round trip')), output);
    assert.equal(await read(), before, 'nothing was written');
  });

  it('prints FAIL for each check of a service that does not answer, and exits 1', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { code, lines, output } = await check(['--config-url', stack.config.url, '--direct-url', nowhere]);
    assert.equal(code, 1, output);
    const failed = lines.filter((l) => l.startsWith('FAIL direct-control: '));
    assert.ok(failed.length >= 5, output);
    for (const line of failed) assert.match(line, /ECONNREFUSED/);
    assert.ok(lines.includes('PASS configuration: health and readiness'), output);
    assert.match(lines.at(-1) ?? '', new RegExp(`^\\d+ passed, ${failed.length} failed$`));
  });

  it('fails a bare URL where nothing answers', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const { code, lines, output } = await check([nowhere]);
    assert.equal(code, 1, output);
    assert.match(lines[0], new RegExp(`^FAIL identify ${nowhere}: .*ECONNREFUSED`));
  });
});
