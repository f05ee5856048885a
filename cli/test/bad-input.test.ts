/**
 * Bad input on the command line, for every subcommand: one line on stderr that names the problem
 * and the choices there are, no stack trace, exit 2 (argparse's code, as the reference's CLIs).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BIN, killStarted, run } from './process.ts';

after(killStarted);

/** A command line and the one line it must print (`ophyd-service <sub>: ` comes first). */
const CASES: [string[], RegExp][] = [
  [['nope'], /^ophyd-service: unknown command 'nope'; commands: up, ioc, configuration, .*check/],
  [['up', '--bogus'], /^ophyd-service up: unknown option '--bogus'; options: --only, .*--host/],
  [['up', '--only'], /^ophyd-service up: option '--only <names>' argument missing$/],
  [['up', '--only', 'nope'], /^unknown component nope; known: ioc, configuration, direct-control/],
  [
    ['ioc', 'motor_records'],
    /^ophyd-service ioc: unknown IOC "motor_records"; choose from mini_beamline, camera, motors, random_walk, thermo$/,
  ],
  [['ioc', 'constructor'], /^ophyd-service ioc: unknown IOC "constructor"; choose from mini_beamline/],
  [['ioc', 'mini_beamline', '--seed', 'x'], /^ophyd-service ioc: --seed must be an integer$/],
  [['ioc', '--bogus'], /^ophyd-service ioc: unknown option '--bogus' \(see ophyd-service ioc --help\)$/],
  [
    ['configuration', '--bogus'],
    /^ophyd-service configuration: unknown option '--bogus'; options: .*--port, --host, --profile-path, --load-strategy/,
  ],
  [
    ['configuration', '--load-strategy', 'profile'],
    /^ophyd-service configuration: --load-strategy "profile" is not one of auto, empty, happi, bits, mock$/,
  ],
  [
    ['configuration', '--port', 'abc'],
    /^ophyd-service configuration: --port \(CONFIG_PORT\): must be integer \(got "abc"\)$/,
  ],
  [
    ['configuration', '--log-level', 'INFO'],
    /^ophyd-service configuration: --log-level "INFO" is not one of critical, error, warning, info, debug, trace$/,
  ],
  [
    ['configuration', 'export', '--format', 'xml'],
    /^ophyd-service configuration: --format "xml" is not one of happi, bits$/,
  ],
  [
    ['configuration', 'export', '--output'],
    /^ophyd-service configuration: option '-o, --output <value>' argument missing; options: --format, --output\/-o/,
  ],
  [
    ['direct-control', '--bogus'],
    /^ophyd-service direct-control: unknown option '--bogus'; options: .*--port, --host, --read-write/,
  ],
  [
    ['direct-control', '--ssl-keyfile', '/nonexistent/key.pem', '--ssl-certfile', '/nonexistent/cert.pem'],
    /^ophyd-service direct-control: --ssl-keyfile: cannot read \/nonexistent\/key\.pem \(ENOENT\)$/,
  ],
  [
    ['ca', 'bogus', 'mini:current'],
    /^ophyd-service ca: unknown verb "bogus"; choose from get, put, monitor, info$/,
  ],
  [
    ['ca', 'get', '--type', 'weird', 'x'],
    /^ophyd-service ca: --type must be one of plain, sts, time, gr, ctrl$/,
  ],
  [['export-openapi', '--bogus'], /^ophyd-service export-openapi: unknown option '--bogus'/],
  [
    ['healthcheck', 'nope'],
    /^ophyd-service healthcheck: nothing to check for "nope"; choose from configuration, direct-control, queueserver, web-ui, ioc$/,
  ],
  [
    ['pod', 'up', 'nope'],
    /^ophyd-service pod: unknown pod "nope"; choose from inner-loop, standalone, full, with-queueserver, profile-seeded$/,
  ],
  [['pod', 'down'], /^ophyd-service pod: unknown verb "down"; choose from up$/],
  [['check'], /^ophyd-service check: nothing to check: give --config-url, --direct-url or a URL$/],
  [
    ['check', 'localhost:8004'],
    /^ophyd-service check: "localhost:8004" is not an http:\/\/ or https:\/\/ URL$/,
  ],
  [
    ['check', '--bogus'],
    /^ophyd-service check: unknown option '--bogus'; options: --config-url, --direct-url/,
  ],
  [['operator', '--bogus'], /^ophyd-service operator: unknown option '--bogus'/],
];

describe('bad command-line input', () => {
  for (const [args, line] of CASES) {
    it(`ophyd-service ${args.join(' ')}`, async () => {
      // No EPICS or service settings of the machine: a case must fail on its input, not on them.
      const cli = run(BIN, args, { LOG_LEVEL: undefined, CONFIG_LOAD_STRATEGY: undefined });
      const exit = await cli.exit();
      assert.equal(cli.stderr.length, 1, cli.output());
      assert.match(cli.stderr[0], line);
      assert.doesNotMatch(cli.output(), /^\s+at /m, 'no stack trace');
      assert.deepEqual(exit, { code: 2, signal: null }, cli.output());
      assert.deepEqual(cli.stdout, [], 'nothing on stdout');
    });
  }
});
