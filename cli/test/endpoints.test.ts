/**
 * The stack's ports and probes, declared once in @ophyd-service/endpoints, as each reader sees them:
 * the CLI's component table, the container health check, the services' defaults and the kit's CORS
 * allowlist. Expected values are the documented numbers, written out.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger, createService, STACK_HTTP_PORTS, STACK_ORIGINS } from '@ophyd-service/service-kit';
import { configSchema as configurationSchema } from '../../services/configuration/src/config.ts';
import { configSchema as directControlSchema } from '../../services/direct-control/src/config.ts';
import { COMPONENTS } from '../components.ts';
import { checkOf } from '../healthcheck.ts';
import { BIN, killStarted, run } from './process.ts';

after(killStarted);

describe('the component table', () => {
  it('lists each component on its ports, with its URL and probe', () => {
    const table = Object.fromEntries(
      COMPONENTS.map((c) => [c.name, { ports: c.ports, url: c.url, probe: c.probe }]),
    );
    assert.deepEqual(table, {
      ioc: { ports: [5064], url: undefined, probe: { kind: 'channel-access' } },
      configuration: {
        ports: [8004],
        url: 'http://localhost:8004/docs',
        probe: { kind: 'http', path: '/ready' },
      },
      'direct-control': {
        ports: [8003],
        url: 'http://localhost:8003/docs',
        probe: { kind: 'http', path: '/ready' },
      },
      queueserver: {
        ports: [60610, 60615, 60625],
        url: 'http://localhost:60610/docs',
        probe: { kind: 'http', path: '/ready' },
      },
      'web-ui': {
        ports: [5173],
        url: 'http://localhost:5173/',
        probe: { kind: 'http', path: '/config.json' },
      },
      operator: { ports: [8080], url: undefined, probe: { kind: 'http', path: '/readyz' } },
    });
  });
});

describe('the health check', () => {
  it('probes each component where it listens, moved by its variables or its --port', () => {
    assert.deepEqual(checkOf('configuration', [], {}), { kind: 'http', port: 8004, path: '/ready' });
    assert.deepEqual(checkOf('direct-control', ['--read-write'], {}), {
      kind: 'http',
      port: 8003,
      path: '/ready',
    });
    assert.deepEqual(checkOf('configuration', [], { CONFIG_PORT: '9100' }), {
      kind: 'http',
      port: 9100,
      path: '/ready',
    });
    assert.deepEqual(checkOf('direct-control', ['--port', '9200'], { DIRECT_CONTROL_PORT: '9100' }), {
      kind: 'http',
      port: 9200,
      path: '/ready',
    });
    assert.deepEqual(checkOf('ioc', ['camera'], {}), {
      kind: 'channel-access',
      port: 5064,
      args: ['camera'],
    });
    assert.equal(
      checkOf('ioc', ['camera'], { EPICS_CAS_SERVER_PORT: '5070', EPICS_CA_SERVER_PORT: '5080' })?.port,
      5070,
    );
    assert.equal(checkOf('ioc', [], { EPICS_CA_SERVER_PORT: '5080' })?.port, 5080);
    assert.equal(checkOf('operator', [], {}), null, 'not a container the image probes');
    assert.deepEqual(checkOf('queueserver', ['--host', '0.0.0.0'], {}), {
      kind: 'http',
      port: 60610,
      path: '/ready',
    });
    assert.equal(checkOf('queueserver', [], { QSERVER_HTTP_PORT: '9300' })?.port, 9300);
    assert.equal(checkOf('queueserver', ['--http-port', '9400'], { QSERVER_HTTP_PORT: '9300' })?.port, 9400);
  });

  it('answers healthy for a service whose /ready answers, found by --port or its variable', async () => {
    const service = createService({
      name: 'probe_target',
      info: { title: 'probe target', version: '1' },
      logger: createLogger('probe_target', 'silent'),
    });
    const { port } = await service.listen(0);
    try {
      const byFlag = run(BIN, ['healthcheck', 'configuration', '--port', String(port)]);
      assert.equal((await byFlag.exit()).code, 0, byFlag.output());
      assert.deepEqual(byFlag.stdout, ['configuration: healthy']);
      const byVariable = run(BIN, ['healthcheck', 'direct-control'], { DIRECT_CONTROL_PORT: String(port) });
      assert.equal((await byVariable.exit()).code, 0, byVariable.output());
      assert.deepEqual(byVariable.stdout, ['direct-control: healthy']);
    } finally {
      await service.close();
    }
  });
});

describe('the services and the kit', () => {
  it('default to their ports and reach the configuration service on its own', () => {
    assert.equal(configurationSchema.properties.CONFIG_PORT.default, 8004);
    assert.equal(directControlSchema.properties.DIRECT_CONTROL_PORT.default, 8003);
    assert.equal(
      directControlSchema.properties.DIRECT_CONTROL_CONFIGURATION_SERVICE_URL.default,
      'http://localhost:8004',
    );
  });

  it('allow the stack’s own web origins on this machine', () => {
    assert.deepEqual(STACK_HTTP_PORTS, [5173, 8003, 8004, 60610]);
    assert.deepEqual(STACK_ORIGINS, [
      'http://localhost:5173',
      'http://localhost:8003',
      'http://localhost:8004',
      'http://localhost:60610',
      'http://127.0.0.1:5173',
      'http://127.0.0.1:8003',
      'http://127.0.0.1:8004',
      'http://127.0.0.1:60610',
    ]);
  });
});
