/**
 * Bad input over HTTP (spec §0.1): unknown routes, wrong methods, malformed and oversized bodies,
 * over-long names. Every refusal has the documented status and envelope, and writes nothing.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type Harness, startConfiguration } from './harness.ts';

const MAX_BODY_BYTES = 4096;

const device = (
  name: string,
  pvs: Record<string, string> = { user_setpoint: `BAD:${name.slice(0, 20)}` },
) => ({
  metadata: { name, device_label: 'motor', ophyd_class: 'EpicsMotor', pvs },
  instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: ['BAD:M'], kwargs: { name } },
});

/** Sends a raw body (a string, sent as is) with a JSON content type unless told otherwise. */
function raw(h: Harness, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  return fetch(h.url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** Everything a write could change, read back over HTTP. */
async function snapshot(h: Harness) {
  return {
    devices: await h.json('/api/v1/devices'),
    info: await h.json('/api/v1/devices-info'),
    specs: await h.json('/api/v1/devices/instantiation?active_only=false'),
    history: await h.json('/api/v1/devices/history?limit=10000'),
    standalone: await h.json('/api/v1/pvs/standalone'),
    pvs: await h.json('/api/v1/pvs'),
    version: (await h.json('/api/v1/devices/changes?since_version=0')).current_version,
  };
}

type Issue = { type: string; loc: (string | number)[]; msg: string; input?: unknown };
const issues = async (res: Response) => ((await res.json()) as { detail: Issue[] }).detail;

/** JSON `depth` levels deep: objects `{"a": …}` around a 1, or arrays `[…]` around nothing. */
const nested = (depth: number, kind: 'object' | 'array') =>
  kind === 'object'
    ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    : `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** Writes raw bytes on a fresh connection and returns everything the server sends before closing. */
function rawExchange(h: Harness, request: string): Promise<string> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    socket.write(request, 'latin1');
  });
}

/** Status line and JSON body of a raw HTTP/1.1 response. */
function parseRaw(response: string) {
  const [head, body] = response.split('\r\n\r\n');
  const [statusLine, ...headers] = head.split('\r\n');
  return {
    status: Number(statusLine.split(' ')[1]),
    contentType: headers.find((line) => /^content-type:/i.test(line)),
    body: JSON.parse(body) as { detail: unknown },
  };
}

describe('bad input over HTTP', { concurrency: 1 }, () => {
  let h: Harness;
  let initial: Awaited<ReturnType<typeof snapshot>>;

  before(async () => {
    h = await startConfiguration({ CONFIG_MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    initial = await snapshot(h);
    assert.deepEqual(initial.devices, ['cam1', 'det1', 'sample_x']);
  });
  after(() => h?.close());

  /** Nothing was written by the refused request(s): every observable is as it was at start. */
  const assertUnchanged = async (what: string) => assert.deepEqual(await snapshot(h), initial, what);

  /** The service still answers ordinary requests correctly right after a hostile one. */
  const assertHealthy = async (what: string) => {
    const health = await h.get('/health');
    assert.equal(health.status, 200, what);
    assert.equal(((await health.json()) as { status: string }).status, 'healthy', what);
    assert.deepEqual(await h.json('/api/v1/devices?pattern=det*'), ['det1'], what);
  };

  it('answers an unknown route with 404 {"detail":"Not Found"}', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['GET', '/api/v2/devices'],
      ['GET', '/api/v1/plans'],
      ['POST', '/nope'],
      ['DELETE', '/api/v1/registry'],
      ['PUT', '/api/v1'],
    ]) {
      const res = await h.send(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.ok(res.headers.get('x-request-id'), 'every response carries X-Request-Id');
      assert.deepEqual(await res.json(), { detail: 'Not Found' }, `${method} ${path}`);
    }
    await assertUnchanged('after unknown routes');
  });

  it('answers a wrong method on a known path with 405 and an Allow header', async () => {
    const post = await h.send('POST', '/api/v1/devices/sample_x', device('sample_x'));
    assert.equal(post.status, 405);
    assert.deepEqual(await post.json(), { detail: 'Method Not Allowed' });
    const allow = (post.headers.get('allow') ?? '').split(/,\s*/);
    for (const method of ['GET', 'PUT', 'DELETE']) assert.ok(allow.includes(method), `Allow: ${allow}`);
    assert.ok(!allow.includes('POST'), `Allow: ${allow}`);

    const patch = await h.send('PATCH', '/api/v1/devices', {});
    assert.equal(patch.status, 405);
    const listAllow = (patch.headers.get('allow') ?? '').split(/,\s*/);
    assert.ok(listAllow.includes('GET') && listAllow.includes('POST'), `Allow: ${listAllow}`);

    const del = await h.send('DELETE', '/api/v1/registry/export');
    assert.equal(del.status, 405);
    assert.ok((del.headers.get('allow') ?? '').includes('GET'));
    await assertUnchanged('after wrong methods');
  });

  it('answers malformed JSON with 422 json_invalid on every writing route', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/v1/devices'],
      ['PUT', '/api/v1/devices/sample_x'],
      ['POST', '/api/v1/pvs'],
      ['PUT', '/api/v1/pvs/standalone/ANY:PV'],
      ['POST', '/api/v1/devices/lock'],
      ['PUT', '/api/v1/devices/lock/policy'],
    ];
    for (const [method, path] of routes) {
      for (const body of ['{"metadata": ', '{name: 1}', "{'a': 1}", '{"a": 1,}']) {
        const res = await raw(h, method, path, body);
        assert.equal(res.status, 422, `${method} ${path} ${body}`);
        const [first] = await issues(res);
        assert.equal(first.type, 'json_invalid', `${method} ${path} ${body}`);
        assert.equal(first.loc[0], 'body');
      }
    }
    // A missing body is a 422 `missing` at loc ["body"].
    const missing = await raw(h, 'POST', '/api/v1/devices', '');
    assert.equal(missing.status, 422);
    assert.deepEqual(
      (await issues(missing)).map((i) => [i.type, i.loc]),
      [['missing', ['body']]],
    );
    // A JSON array where an object is expected is a validation error, not a crash.
    const array = await raw(h, 'POST', '/api/v1/devices', '[]');
    assert.equal(array.status, 422);
    assert.deepEqual((await issues(array))[0].loc, ['body']);
    await assertUnchanged('after malformed bodies');
  });

  it('refuses a body over CONFIG_MAX_BODY_BYTES with 413', async () => {
    const big = device('too_big');
    (big.metadata as Record<string, unknown>).documentation = 'x'.repeat(MAX_BODY_BYTES);
    const body = JSON.stringify(big);
    assert.ok(Buffer.byteLength(body) > MAX_BODY_BYTES);
    const res = await raw(h, 'POST', '/api/v1/devices', body);
    assert.equal(res.status, 413);
    assert.equal(typeof ((await res.json()) as { detail: unknown }).detail, 'string');
    const put = await raw(
      h,
      'PUT',
      '/api/v1/devices/sample_x',
      JSON.stringify({ metadata: { documentation: 'y'.repeat(MAX_BODY_BYTES) } }),
    );
    assert.equal(put.status, 413);
    const pv = await raw(
      h,
      'POST',
      '/api/v1/pvs',
      JSON.stringify({ pv_name: 'BIG:PV', description: 'z'.repeat(5000) }),
    );
    assert.equal(pv.status, 413);
    // The limit counts bytes, not characters: 1800 characters of "é€" are 4500 bytes of UTF-8.
    const wideBody = JSON.stringify({ metadata: { documentation: 'é€'.repeat(900) } });
    assert.ok(wideBody.length < MAX_BODY_BYTES && Buffer.byteLength(wideBody) > MAX_BODY_BYTES);
    const wide = await raw(h, 'PUT', '/api/v1/devices/sample_x', wideBody);
    assert.equal(wide.status, 413);
    await assertUnchanged('after oversized bodies');
  });

  it('refuses a 300-character device name with a 422 naming `name`', async () => {
    const name = 'n'.repeat(300);
    const res = await h.send('POST', '/api/v1/devices', device(name));
    assert.equal(res.status, 422);
    const found = await issues(res);
    assert.ok(
      found.some((i) => i.loc.join('.') === 'body.metadata.name' && i.type === 'string_too_long'),
      JSON.stringify(found.map((i) => i.loc)),
    );
    assert.ok(
      found.every((i) => i.loc.at(-1) === 'name'),
      'only the names are at fault',
    );
    await assertUnchanged('after the over-long device name');
  });

  it('refuses a 2000-character PV name with a 422, in a device, an update and a standalone PV', async () => {
    const pv = `LONG:${'P'.repeat(1995)}`;
    assert.equal(pv.length, 2000);
    const create = await h.send('POST', '/api/v1/devices', device('long_pv', { readback: pv }));
    assert.equal(create.status, 422);
    assert.deepEqual(
      (await issues(create)).map((i) => i.loc.join('.')),
      ['body.metadata.pvs.readback'],
    );
    const update = await h.send('PUT', '/api/v1/devices/sample_x', { metadata: { pvs: { readback: pv } } });
    assert.equal(update.status, 422);
    const standalone = await h.send('POST', '/api/v1/pvs', { pv_name: pv });
    assert.equal(standalone.status, 422);
    assert.match(JSON.stringify(await standalone.json()), /pv_name/);
    await assertUnchanged('after the over-long PV names');
  });

  it('answers a body with a broken or unknown Content-Encoding with 400 or 415 and the envelope', async () => {
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const garbled = await raw(h, 'POST', '/api/v1/pvs', '{"pv_name":"ENC:1"}', {
        'content-encoding': encoding,
      });
      assert.equal(garbled.status, 400, `${encoding} garbage`);
      assert.deepEqual(await garbled.json(), {
        detail: `Request body could not be decoded (Content-Encoding: ${encoding})`,
      });
    }
    const unknown = await raw(h, 'POST', '/api/v1/pvs', '{"pv_name":"ENC:2"}', { 'content-encoding': 'br2' });
    assert.equal(unknown.status, 415);
    assert.equal(typeof ((await unknown.json()) as { detail: unknown }).detail, 'string');
    await assertUnchanged('after bad encodings');
    await assertHealthy('after bad encodings');
  });

  it('answers hostile glob patterns at once and correctly (issue 18), and refuses invalid ones with 422', async () => {
    // Each of these pinned the service with a backtracking RegExp; the per-test timeout is the bound.
    const stars = '*'.repeat(5000);
    assert.deepEqual(await h.json(`/api/v1/devices?pattern=${stars}Z`), []);
    assert.deepEqual(await h.json(`/api/v1/devices?pattern=${stars}1`), ['cam1', 'det1']);
    assert.deepEqual(await h.json(`/api/v1/pvs?pattern=${'*'.repeat(10)}Z`), {
      success: true,
      pvs: [],
      count: 0,
    });
    assert.deepEqual(await h.json(`/api/v1/devices?pattern=${'*a'.repeat(2000)}*Z`), []);
    assert.deepEqual(await h.json('/api/v1/devices?pattern=*[!0-9]'), ['sample_x']);
    assert.deepEqual(await h.json('/api/v1/devices?pattern=[cd]*'), ['cam1', 'det1']);

    const refused: [string, string, RegExp][] = [
      ['/api/v1/devices', '[z-a]', /empty range 'z-a'/],
      ['/api/v1/devices', 'det[', /unterminated '\['/],
      ['/api/v1/pvs', '[abc', /unterminated '\['/],
    ];
    for (const [path, pattern, reason] of refused) {
      const res = await h.get(`${path}?pattern=${encodeURIComponent(pattern)}`);
      assert.equal(res.status, 422, pattern);
      const [issue] = await issues(res);
      assert.deepEqual([issue.type, issue.loc], ['value_error', ['query', 'pattern']], pattern);
      assert.match(issue.msg, reason);
    }
    const tooLong = await h.get(`/api/v1/pvs?pattern=${'?'.repeat(8193)}`);
    assert.equal(tooLong.status, 422);
    const [long] = await issues(tooLong);
    assert.deepEqual([long.type, long.loc], ['string_too_long', ['query', 'pattern']]);
    assert.equal(String(long.input).length, 201, 'the echoed pattern is cut to 200 characters and …');
    await assertUnchanged('after glob patterns');
    await assertHealthy('after glob patterns');
  });

  it('answers a repeated query parameter with 422 on every route', async () => {
    for (const path of [
      '/api/v1/registry/export?format=bits&format=happi',
      '/api/v1/devices?pattern=det*&pattern=cam*',
      '/api/v1/devices/history?limit=1&limit=2',
      '/api/v1/pvs/lookup?pv_name=a&pv_name=b',
    ]) {
      const res = await h.get(path);
      assert.equal(res.status, 422, path);
      const [issue] = await issues(res);
      assert.equal(issue.type, 'string_type', path);
      assert.equal(issue.loc[0], 'query', path);
      assert.equal(issue.msg, 'Input should be a single value, not 2 values');
    }
    const exported = await h.get('/api/v1/registry/export?format=happi');
    assert.equal(exported.status, 200);
    assert.deepEqual(Object.keys((await exported.json()) as object).sort(), ['cam1', 'det1', 'sample_x']);
    await assertHealthy('after repeated parameters');
  });

  it("gives Node's own refusals (oversized headers, a NUL in the path) the detail envelope", async () => {
    const oversized = parseRaw(
      await rawExchange(h, `GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`),
    );
    assert.equal(oversized.status, 431);
    assert.match(oversized.contentType ?? '', /application\/json/);
    assert.deepEqual(oversized.body, { detail: 'Request Header Fields Too Large' });
    const nul = parseRaw(await rawExchange(h, 'GET /api/v1/devices/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.equal(nul.status, 400);
    assert.match(String(nul.body.detail), /^Bad Request/);
    await assertHealthy('after unparsable requests');
  });

  it('still decodes a well-formed gzip body', async () => {
    // Checked before the write test below so the snapshot stays as it was: a 422 proves the body was read.
    const res = await fetch(`${h.url}/api/v1/pvs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ pv_name: 'has space' })),
    });
    assert.equal(res.status, 422);
    assert.match(JSON.stringify(await res.json()), /pv_name/);
    await assertUnchanged('after a gzip body');
  });

  it('still accepts the largest names and a body just under the limit (and writes exactly those)', async () => {
    const longest = 'd'.repeat(256);
    assert.equal((await h.send('POST', '/api/v1/devices', device(longest))).status, 201);
    const pv = `MAX:${'Q'.repeat(1020)}`;
    assert.equal(pv.length, 1024);
    assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: pv })).status, 201);
    const doc = 'w'.repeat(MAX_BODY_BYTES - 200);
    const body = JSON.stringify({ metadata: { documentation: doc } });
    assert.ok(Buffer.byteLength(body) <= MAX_BODY_BYTES);
    assert.equal((await raw(h, 'PUT', '/api/v1/devices/det1', body)).status, 200);

    const now = await snapshot(h);
    assert.deepEqual(now.devices, ['cam1', 'det1', longest, 'sample_x'].sort());
    assert.deepEqual(
      (now.history as any[]).slice(0, 2).map((e) => [e.operation, e.device_name]),
      [
        ['update', 'det1'],
        ['add', longest],
      ],
    );
    assert.deepEqual((now.history as any[]).slice(2), initial.history, 'no other audit row appeared');
    assert.deepEqual(
      (now.standalone as any[]).map((p) => p.pv_name),
      [pv],
    );
    assert.equal((await h.json('/api/v1/devices/det1')).documentation, doc);
  });
});

describe('hostile bodies and names', { concurrency: 1 }, () => {
  let h: Harness;
  before(async () => {
    h = await startConfiguration(); // the default body limit, so 10,000 levels fit
  });
  after(() => h?.close());

  const assertHealthy = async (what: string) => {
    const health = await h.get('/health');
    assert.equal(health.status, 200, what);
    assert.equal(((await health.json()) as { status: string }).status, 'healthy', what);
    assert.deepEqual(await h.json('/api/v1/devices?pattern=det*'), ['det1'], what);
  };

  it('answers a device-create body nested 10,000 deep with 422, not 503 or 500', async () => {
    const body = `{"metadata":{"name":"deep","device_label":"motor","ophyd_class":"X"},"instantiation_spec":{"name":"deep","device_class":"ophyd.X","kwargs":${nested(10000, 'object')}}}`;
    const res = await raw(h, 'POST', '/api/v1/devices', body);
    assert.equal(res.status, 422);
    const [issue] = await issues(res);
    assert.equal(issue.type, 'json_invalid');
    assert.equal(issue.loc[0], 'body');
    const before = body.slice(0, issue.loc[1] as number);
    const open = before.split('{').length - before.split('}').length;
    assert.deepEqual([open, body[issue.loc[1] as number]], [64, '{'], 'the offset is where level 65 opens');
    assert.match(issue.msg, /nested deeper than 64 levels/);

    const array = await raw(h, 'POST', '/api/v1/devices', nested(10000, 'array'));
    assert.equal(array.status, 422);
    assert.deepEqual(
      (await issues(array)).map((i) => [i.type, i.loc]),
      [['json_invalid', ['body', 64]]],
    );
    // Under the depth limit but still the wrong shape: a validation error whose echo is cut short.
    const shallow = await raw(h, 'POST', '/api/v1/devices', nested(60, 'array'));
    assert.equal(shallow.status, 422);
    const [wrongType] = await issues(shallow);
    assert.deepEqual([wrongType.type, wrongType.loc], ['object_type', ['body']]);
    assert.equal(
      JSON.stringify(wrongType.input),
      nested(60, 'array'),
      'a 120-character input is echoed whole',
    );
    const padded = `${'['.repeat(30)}"${'y'.repeat(300)}"${']'.repeat(30)}`;
    const cut = await raw(h, 'POST', '/api/v1/devices', padded);
    assert.equal(cut.status, 422);
    assert.equal(
      (await issues(cut))[0].input,
      `${padded.slice(0, 200)}…`,
      'a longer one is cut to its first 200',
    );
    const wide = await raw(
      h,
      'PUT',
      '/api/v1/devices/lock/policy',
      JSON.stringify({ lock_all: 'x'.repeat(3000) }),
    );
    assert.equal(wide.status, 422);
    assert.equal((await issues(wide))[0].input, `${'x'.repeat(200)}…`);
    assert.deepEqual(await h.json('/api/v1/devices'), ['cam1', 'det1', 'sample_x']);
    await assertHealthy('after deep bodies');
  });

  it('treats devices called __proto__, constructor and toString like any other, end to end', async () => {
    const names = ['__proto__', 'constructor', 'toString'];
    for (const name of names) {
      // Components and a device class that also shadow Object.prototype members.
      const body = device(name, { constructor: `OBJ:${name}:C`, toString: `OBJ:${name}:P` });
      body.instantiation_spec.device_class = name === 'toString' ? 'ophyd.EpicsMotor' : name;
      const created = await h.send('POST', '/api/v1/devices', JSON.stringify(body));
      assert.equal(created.status, 201, name);
      assert.equal(
        (await h.send('POST', '/api/v1/devices', JSON.stringify(body))).status,
        409,
        `${name} twice`,
      );
    }
    assert.deepEqual(await h.json('/api/v1/devices'), [...names, 'cam1', 'det1', 'sample_x'].sort());
    const info = (await h.json('/api/v1/devices-info')) as Record<string, { name: string }>;
    for (const name of names) {
      assert.ok(Object.hasOwn(info, name), name);
      assert.equal(info[name].name, name);
      const metadata = await h.json(`/api/v1/devices/${name}`);
      assert.equal(metadata.name, name);
      assert.deepEqual(Object.entries(metadata.pvs), [
        ['constructor', `OBJ:${name}:C`],
        ['toString', `OBJ:${name}:P`],
      ]);
      assert.equal((await h.json(`/api/v1/devices/${name}/instantiation`)).name, name);
      const component = await h.json(`/api/v1/devices/${name}.constructor/component`);
      assert.equal(component.pv, `OBJ:${name}:C`);
      const missing = await h.json(`/api/v1/devices/${name}.hasOwnProperty/component`);
      assert.equal(missing.pv, null, 'an inherited member is no component');
      const lookup = await h.json(`/api/v1/pvs/lookup?pv_name=OBJ:${name}:P`);
      assert.deepEqual([lookup.device_name, lookup.count], [name, 2]);
    }
    assert.deepEqual(await h.json('/api/v1/devices?pattern=__*'), ['__proto__']);
    // A `__proto__` *key* is refused by the body parser itself (it could reach Object.prototype).
    const protoKey = await raw(
      h,
      'POST',
      '/api/v1/devices',
      JSON.stringify(device('x')).replace('"pvs"', '"__proto__"'),
    );
    assert.equal(protoKey.status, 422);
    assert.deepEqual(
      (await issues(protoKey)).map((i) => [i.type, i.loc, i.msg]),
      [['value_error', ['body'], "Value error, a JSON body may not have keys named '__proto__'"]],
    );

    const updated = await h.send('PUT', '/api/v1/devices/__proto__', {
      metadata: { documentation: 'still data' },
    });
    assert.equal(updated.status, 200);
    assert.equal((await h.json('/api/v1/devices/__proto__')).documentation, 'still data');

    const lock = await h.send('POST', '/api/v1/devices/lock', {
      device_names: ['__proto__', 'constructor'],
      item_id: 'item-proto',
      plan_name: 'count',
    });
    assert.equal(lock.status, 200);
    assert.deepEqual(((await lock.json()) as { locked_devices: string[] }).locked_devices, [
      '__proto__',
      'constructor',
    ]);
    assert.equal((await h.json('/api/v1/devices/constructor/status')).lock_status, 'locked');
    assert.equal((await h.json('/api/v1/devices/toString/status')).lock_status, 'unlocked');
    assert.equal((await h.send('DELETE', '/api/v1/devices/__proto__')).status, 409, 'locked');
    const unlock = await h.send('POST', '/api/v1/devices/unlock', {
      device_names: ['__proto__', 'constructor'],
      item_id: 'item-proto',
    });
    assert.equal(unlock.status, 200);

    const happi = (await h.json('/api/v1/registry/export?format=happi')) as Record<string, { name: string }>;
    for (const name of names) assert.equal(happi[name]?.name, name);
    const bits = await h.get('/api/v1/registry/export?format=bits');
    assert.equal(bits.status, 200);
    const yaml = await bits.text();
    assert.match(yaml, /^__proto__:\n {2}- name: __proto__$/m);
    assert.match(yaml, /^constructor:\n {2}- name: constructor$/m);

    // They survive a restart: the store gives them back as ordinary names.
    const databaseUrl = h.databaseUrl;
    await h.close();
    h = await startConfiguration({}, databaseUrl);
    assert.equal((await h.json('/api/v1/devices/__proto__')).documentation, 'still data');
    for (const name of names)
      assert.equal((await h.send('DELETE', `/api/v1/devices/${name}`)).status, 200, name);
    for (const name of names) assert.equal((await h.get(`/api/v1/devices/${name}`)).status, 404, name);
    assert.deepEqual(await h.json('/api/v1/devices'), ['cam1', 'det1', 'sample_x']);
    assert.deepEqual((await h.json('/api/v1/pvs?pattern=OBJ:*')).pvs, []);
    await assertHealthy('after prototype-named devices');
  });

  it('treats a standalone PV called __proto__ like any other', async () => {
    assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: '__proto__' })).status, 201);
    assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: '__proto__' })).status, 409);
    assert.deepEqual((await h.json('/api/v1/pvs/__proto__')).device_name, null);
    assert.equal((await h.send('POST', '/api/v1/pvs/__proto__/failure', { message: 'x' })).status, 200);
    assert.equal((await h.json('/api/v1/pvs/__proto__/health')).consecutive_failures, 1);
    assert.deepEqual(
      ((await h.json('/api/v1/pvs/standalone')) as { pv_name: string }[]).map((pv) => pv.pv_name),
      ['__proto__'],
    );
    assert.equal((await h.send('DELETE', '/api/v1/pvs/standalone/__proto__')).status, 200);
    assert.equal((await h.get('/api/v1/pvs/__proto__')).status, 404);
  });

  it("refuses '.' and '..' as device names and PV path segments (they cannot be addressed by URL)", async () => {
    for (const name of ['.', '..']) {
      const res = await h.send('POST', '/api/v1/devices', device(name, {}));
      assert.equal(res.status, 422, name);
      assert.deepEqual(
        (await issues(res)).map((i) => [i.type, i.loc.join('.')]),
        [
          ['string_pattern_mismatch', 'body.metadata.name'],
          ['string_pattern_mismatch', 'body.instantiation_spec.name'],
        ],
      );
    }
    for (const pv of ['../../etc/passwd', '..', 'a/./b']) {
      const res = await h.send('POST', '/api/v1/pvs', { pv_name: pv });
      assert.equal(res.status, 422, pv);
      assert.deepEqual((await issues(res))[0].loc, ['body', 'pv_name']);
      const inDevice = await h.send('POST', '/api/v1/devices', device('dotted', { readback: pv }));
      assert.equal(inDevice.status, 422, pv);
    }
    // Dots elsewhere are ordinary characters.
    assert.equal((await h.send('POST', '/api/v1/pvs', { pv_name: 'a/.../b.c' })).status, 201);
    assert.equal((await h.send('DELETE', '/api/v1/pvs/standalone/a/.../b.c')).status, 200);
    assert.deepEqual(await h.json('/api/v1/pvs/standalone'), []);
    await assertHealthy('after dotted names');
  });
});
