import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BIN, FIXTURE_CLI, killStarted, run } from './process.ts';

after(killStarted);

const SUBCOMMANDS = [
  'up',
  'ioc',
  'configuration',
  'direct-control',
  'queueserver',
  'operator',
  'export-openapi',
  'ca',
  'check',
  'pod',
  'healthcheck',
];

describe('ophyd-service', () => {
  it('lists every subcommand in --help', async () => {
    const cli = run(BIN, ['--help']);
    assert.equal((await cli.exit()).code, 0);
    const listed = cli.stdout.map((line) => line.match(/^ {2}([a-z-]+) /)?.[1]).filter(Boolean);
    for (const name of SUBCOMMANDS)
      assert.ok(listed.includes(name), `${name} missing from:\n${cli.output()}`);
  });

  it('has --help for every subcommand', async () => {
    for (const name of SUBCOMMANDS) {
      const cli = run(BIN, [name, '--help']);
      assert.equal((await cli.exit()).code, 0, cli.output());
      assert.match(cli.stdout[0], new RegExp(`^Usage: ophyd-service ${name} `));
    }
  });

  it('exits 2 for an unbuilt fixture subcommand, with the message', async () => {
    const cli = run(FIXTURE_CLI, ['healthy', 'gamma']);
    assert.equal((await cli.exit()).code, 2);
    assert.deepEqual(cli.stderr, [
      'gamma is not built yet (see issue: #42; its entry gamma-missing.ts does not exist)',
    ]);
  });

  it('runs a built subcommand in this process through main(argv), passing options on', async () => {
    const cli = run(FIXTURE_CLI, ['healthy', 'alpha', 'x', '--port', '9']);
    await cli.waitFor(/^x serving$/);
    // In-process, main(argv) gets what follows the subcommand: the fixture names itself after argv[0].
    assert.equal(cli.stdout[0], `x starting pid=${cli.child.pid} args=["--port","9"]`);
    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exit(), { code: 0, signal: null });
  });

  it('exits 1 when an entry breaks the main(argv) contract', async () => {
    const cli = run(FIXTURE_CLI, ['healthy', 'contract-breaker']);
    assert.equal((await cli.exit()).code, 1);
    assert.match(cli.stderr.join('\n'), /no-main\.ts does not export main\(argv: string\[\]\)/);
  });
});
