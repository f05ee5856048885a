/**
 * Hostile and careless input replayed against the real stack (simulated IOCs, the seeded
 * configuration service, direct control): each refusal is a clear 4xx, nothing reaches the IOC,
 * and the service answers correctly right after.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { documented, openapiDocument } from './openapi-check.ts';
import { type Stack, startStack } from './stack.ts';

describe('direct control under hostile and careless input', () => {
  let stack: Stack;
  const detail = async (res: Response) => ((await res.json()) as { detail: unknown }).detail;
  const caValue = async (pv: string) => (await stack.client.get(pv)).values;

  before(async () => {
    stack = await startStack();
    const res = await stack.config.send('POST', '/api/v1/pvs', {
      pv_name: 'NO:SUCH:PV',
      access_mode: 'read-write',
    });
    assert.equal(res.status, 201, await res.text());
  });
  after(() => stack.close());

  /** The service still reads and writes after whatever came before. */
  async function stillServes() {
    const read = await fetch(`${stack.url}/api/v1/pv/mini:dot:mtry/value`);
    assert.equal(read.status, 200);
    const write = await stack.post('/api/v1/pv/set', { pv_name: 'mini:ph:vel', value: 2, wait: true });
    assert.equal(write.status, 200, await write.text());
  }

  it('refuses values a scalar double cannot hold, and the PV keeps its one element', async () => {
    await stack.client.put('mini:dot:mtry', 1.25, { wait: true });
    for (const value of [true, {}, [], [1, 2], null, [[1]], 'abc']) {
      const res = await stack.post('/api/v1/pv/set', { pv_name: 'mini:dot:mtry', value });
      assert.equal(res.status, 422, `${JSON.stringify(value)}: ${res.status}`);
      assert.match(
        String(await detail(res)),
        /^Cannot write .* to mini:dot:mtry: .*\(the PV holds one DOUBLE\)$/,
      );
    }
    assert.deepEqual([...(await caValue('mini:dot:mtry'))], [1.25]);
    await stillServes();
  });

  it('refuses an enum index out of range, 2^40 to a LONG and fractions to integers, by name', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['13SIM1:cam1:Acquire', 99, /not a state name or an index 0\.\.1; choices: 0="Done", 1="Acquire"/],
      ['13SIM1:cam1:Acquire', 'Maybe', /not a state name/],
      ['13SIM1:cam1:SizeX', 2 ** 40, /outside -2147483648\.\.2147483647/],
      ['13SIM1:cam1:SizeX', 2.5, /not an integer/],
    ];
    const before = await caValue('13SIM1:cam1:SizeX');
    for (const [pv, value, pattern] of cases) {
      const res = await stack.post('/api/v1/pv/set', { pv_name: pv, value, wait: true });
      assert.equal(res.status, 422, `${pv} ${value}`);
      assert.match(String(await detail(res)), pattern);
    }
    assert.deepEqual(await caValue('13SIM1:cam1:SizeX'), before);
    const byName = await stack.post('/api/v1/pv/set', {
      pv_name: '13SIM1:cam1:Acquire',
      value: 'Done',
      wait: true,
    });
    assert.equal(byName.status, 200);
    assert.deepEqual([...(await caValue('13SIM1:cam1:Acquire'))], [0]);
  });

  it('refuses a motor move past its soft limits, by PV and by device, and the motor stays', async () => {
    const hlm = (await stack.client.get('sim:mtr1.HLM')).value as number;
    assert.ok(hlm > 0, 'the motor record publishes a high limit');
    const before = (await stack.client.get('sim:mtr1.VAL')).value;
    const byPv = await stack.post('/api/v1/pv/set', { pv_name: 'sim:mtr1', value: hlm + 1, wait: true });
    assert.equal(byPv.status, 422);
    assert.match(
      String(await detail(byPv)),
      new RegExp(`outside the control limits \\[-?[\\d.]+, ${hlm}\\]`),
    );
    const byDevice = await stack.post('/api/v1/device/execute', {
      device_name: 'sim_mtr1',
      method: 'set',
      args: [hlm + 1],
    });
    assert.equal(byDevice.status, 422);
    assert.equal((await stack.client.get('sim:mtr1.VAL')).value, before);
    assert.equal((await stack.client.get('sim:mtr1.LVIO')).value, 0, 'nothing reached the motor record');
  });

  it("reports the IOC's own refusal of a write it was let through unchecked, with and without wait", async () => {
    // mini:dot:mtrx refuses a target past its travel (±320): with the limit check off, the value
    // reaches the IOC, which refuses it; the write is a 422 with the IOC's status, never "success".
    const before = (await stack.client.get('mini:dot:mtrx')).value;
    for (const wait of [true, false]) {
      const res = await stack.post('/api/v1/pv/set', {
        pv_name: 'mini:dot:mtrx',
        value: 1000,
        wait,
        check_limits: false,
      });
      assert.equal(res.status, 422, `wait=${wait}`);
      assert.match(
        String(await detail(res)),
        /Failed to set PV mini:dot:mtrx: .*Channel write request failed/,
      );
    }
    assert.equal((await stack.client.get('mini:dot:mtrx')).value, before);
  });

  it('refuses names no registry could hold before any lookup, and treats __proto__ as a name', async () => {
    const spaced = await fetch(`${stack.url}/api/v1/pv/bad%20name/value`);
    assert.equal(spaced.status, 422);
    assert.match(String(await detail(spaced)), /PV name "bad name" must be printable ASCII/);
    const dots = await stack.post('/api/v1/device/execute', { device_name: '..', method: 'read' });
    assert.equal(dots.status, 422);
    for (const name of ['__proto__', 'constructor']) {
      const res = await stack.post('/api/v1/device/execute', { device_name: name, method: 'read' });
      assert.equal(res.status, 404, name);
      const stop = await stack.post(`/api/v1/device/${name}/stop`);
      assert.equal(stop.status, 404, name);
    }
  });

  it('answers 403 for a PV the IOC will not let anyone write', async () => {
    const res = await stack.post('/api/v1/pv/set', { pv_name: 'mini:current', value: 1 });
    assert.equal(res.status, 403);
    assert.match(String(await detail(res)), /Failed to set PV mini:current: .*Write access denied/);
  });

  it('answers 504 naming the PV and the timeout for a registered PV no IOC serves', async () => {
    const res = await stack.post('/api/v1/pv/set', {
      pv_name: 'NO:SUCH:PV',
      value: 1,
      connection_timeout: 0.3,
    });
    assert.equal(res.status, 504);
    assert.match(String(await detail(res)), /NO:SUCH:PV.*0\.3 ?s/);
  });

  it('refuses timeouts past the documented maximum instead of firing at once', async () => {
    for (const timeout of [3_000_000, 86_401]) {
      const res = await stack.post('/api/v1/pv/set', {
        pv_name: 'mini:ph:vel',
        value: 1,
        wait: true,
        timeout,
      });
      assert.equal(res.status, 422, String(timeout));
    }
    for (const timeout of ['Infinity', '1e9', '0', '-1']) {
      const res = await fetch(`${stack.url}/api/v1/pv/mini:ph:vel/value?timeout=${timeout}`);
      assert.equal(res.status, 422, timeout);
    }
    await stillServes();
  });

  it('refuses unknown and extra arguments to device commands', async () => {
    const cases = [
      [{ device_name: 'sim_mtr1', method: 'read', args: [1] }, /'read' takes no arguments; got 1 positional/],
      [
        { device_name: 'sim_mtr1', method: 'set', args: [1, 2] },
        /'set' takes one positional argument, the value; got 2 positional/,
      ],
      [{ device_name: 'sim_mtr1', method: 'read', kwargs: { bogus: 1 } }, /got keyword 'bogus'/],
    ] as const;
    for (const [body, pattern] of cases) {
      const res = await stack.post('/api/v1/device/execute', body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.match(String(await detail(res)), pattern);
    }
    const nested = await stack.post('/api/v1/device/sim_mtr1.user_readback', { method: 'read', value: 3 });
    assert.equal(nested.status, 422);
  });

  it('refuses a string for a motor and a set on a read-only device with 4xx, not 500', async () => {
    const motor = await stack.post('/api/v1/device/execute', {
      device_name: 'sim_mtr1',
      method: 'set',
      args: ['far'],
    });
    assert.equal(motor.status, 422);
    assert.match(String(await detail(motor)), /"far" to sim:mtr1\.VAL: not a number/);
    const readOnly = await stack.post('/api/v1/device/execute', {
      device_name: 'beam_current',
      method: 'set',
      args: [1],
    });
    assert.ok([400, 403].includes(readOnly.status), `read-only set answered ${readOnly.status}`);
    const component = await stack.post('/api/v1/device/sim_mtr1.__proto__', {});
    assert.equal(component.status, 404);
    const inherited = await stack.post('/api/v1/device/sim_mtr1.constructor', {});
    assert.equal(inherited.status, 404);
    await stillServes();
  });

  it('answers 4xx with the detail envelope for garbage encodings, deep nesting and repeated parameters', async () => {
    const garbage = await fetch(`${stack.url}/api/v1/pv/set`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      body: Buffer.from('definitely not brotli'),
    });
    assert.ok(garbage.status >= 400 && garbage.status < 500, `br garbage: ${garbage.status}`);
    assert.ok(await detail(garbage));
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const top = await fetch(`${stack.url}/api/v1/pv/set`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    assert.equal(top.status, 422);
    assert.ok((await top.text()).length < 10_000, 'the error does not echo the whole input');
    const asValue = await fetch(`${stack.url}/api/v1/pv/set`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pv_name":"mini:dot:mtry","value":${deep}}`,
    });
    assert.equal(asValue.status, 422);
    assert.ok((await asValue.text()).length < 10_000);
    const twice = await fetch(`${stack.url}/api/v1/pv/mini:dot:mtry/value?format=binary&format=json`);
    assert.equal(twice.status, 422);
    await stillServes();
  });

  /** POST routes that read a JSON body, with a body each would otherwise accept. */
  const bodyRoutes: [string, unknown][] = [
    ['/api/v1/pv/set', { pv_name: 'mini:ph:vel', value: 2 }],
    ['/api/v1/pv/set/batch', { caputs: [{ pv_name: 'mini:ph:vel', value: 2 }] }],
    ['/api/v1/device/execute', { device_name: 'sim_mtr1', method: 'read' }],
    ['/api/v1/device/sim_mtr1.user_readback', { method: 'get' }],
    ['/api/v1/devices/resolve', { addresses: ['sim_mtr1.user_setpoint'] }],
  ];

  it('answers malformed JSON on every route that takes a body with a documented 422 json_invalid', async () => {
    for (const [path] of bodyRoutes)
      for (const text of ['{"pv_name": ', '{bad}', '[1, 2', 'not json', '{"a": 1}}']) {
        const res = await fetch(`${stack.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: text,
        });
        assert.equal(res.status, 422, `${path} ${text}`);
        await documented('POST', res);
        const [issue] = (await detail(res)) as { type: string; loc: unknown[] }[];
        assert.deepEqual([issue.type, issue.loc[0]], ['json_invalid', 'body'], `${path} ${text}`);
      }
    await stillServes();
  });

  it('refuses a body over the 1 MB request limit with 413 on every route that takes one', async () => {
    const padding = 'x'.repeat(2 ** 20);
    for (const [path, body] of bodyRoutes) {
      const res = await stack.post(path, { ...(body as object), padding });
      assert.equal(res.status, 413, path);
      assert.equal(typeof (await detail(res)), 'string', path);
    }
    await stillServes();
  });

  it('answers unknown routes 404 and every documented path 405 for the methods it does not take', async () => {
    for (const path of ['/api/v1/nothing', '/api/v2/pv/set', '/api/v1/pvs', '/api/v1/device']) {
      const res = await fetch(`${stack.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { detail: 'Not Found' }, path);
    }
    // Every path of the published document, with each method it does not list.
    const concrete = (template: string) =>
      template
        .replace('{pv_name}', 'mini:current')
        .replace('{device_name}', 'sim_mtr1')
        .replace('{device_path}', 'sim_mtr1.user_readback');
    let tried = 0;
    for (const [template, operations] of Object.entries(openapiDocument.paths))
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (method.toLowerCase() in operations) continue;
        // POST /api/v1/device/{device_path:path} takes every POST below /api/v1/device/ (spec §1.14).
        if (method === 'POST' && template.startsWith('/api/v1/device/')) continue;
        const res = await fetch(`${stack.url}${concrete(template)}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: method === 'GET' ? undefined : '{}',
        });
        assert.equal(res.status, 405, `${method} ${template}`);
        assert.deepEqual(await res.json(), { detail: 'Method Not Allowed' }, `${method} ${template}`);
        tried++;
      }
    assert.ok(tried >= 40, `${tried} path and method pairs`);
    await stillServes();
  });

  it('refuses over-long PV and device names on every route that takes one, naming the limit', async () => {
    const pv = `A:${'B'.repeat(1023)}`; // 1025 characters, past the registry's 1024
    const device = 'd'.repeat(257); // past the registry's 256
    const refusals: [string, string, unknown, RegExp][] = [
      ['GET', `/api/v1/pv/${pv}/value`, undefined, /at most 1024 characters/],
      ['GET', `/api/v1/pvs/${pv}/value`, undefined, /at most 1024 characters/],
      ['POST', '/api/v1/pv/set', { pv_name: pv, value: 1 }, /1024 characters/],
      ['POST', '/api/v1/pv/set/batch', { caputs: [{ pv_name: pv, value: 1 }] }, /1024 characters/],
      ['POST', '/api/v1/device/execute', { device_name: device, method: 'read' }, /at most 256 characters/],
      ['POST', `/api/v1/device/${device}/stop`, undefined, /at most 256 characters/],
      ['POST', `/api/v1/device/${device}.user_readback`, { method: 'get' }, /at most 256 characters/],
      ['GET', `/api/v1/device/${device}/value`, undefined, /at most 256 characters/],
    ];
    for (const [method, path, body, pattern] of refusals) {
      const res = await fetch(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      assert.equal(res.status, 422, `${method} ${path.slice(0, 40)}…`);
      await documented(method, res);
      assert.match(JSON.stringify(await detail(res)), pattern, `${method} ${path.slice(0, 40)}…`);
    }
    // Resolve answers per address (always 200, spec §1.12): an over-long head is not resolved.
    const resolve = await stack.post('/api/v1/devices/resolve', { addresses: [`${device}.x`] });
    assert.equal(resolve.status, 200);
    await documented('POST', resolve);
    const [row] = ((await resolve.json()) as { resolved: { ok: boolean; pv_name: unknown }[] }).resolved;
    assert.deepEqual([row.ok, row.pv_name], [false, null]);
    await stillServes();
  });

  it("gives Node's own 431 and 400 answers the detail envelope", async () => {
    const { port } = new URL(stack.url);
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers, insecureHTTPParser: true }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const huge = await raw('/health', { 'x-big': 'a'.repeat(64 * 1024) });
    assert.equal(huge.status, 431);
    assert.ok(JSON.parse(huge.body).detail);
    await stillServes();
  });
});
