/**
 * Bad input over HTTP (spec §0.1): unknown routes, wrong methods, malformed and oversized bodies,
 * over-long names. Every refusal has the documented status and envelope, and writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

type Issue = { type: string; loc: (string | number)[]; msg: string };
const issues = async (res: Response) => ((await res.json()) as { detail: Issue[] }).detail;

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

  it('answers a body with a broken or unknown Content-Encoding with a 4xx, not a 500', async () => {
    const garbled = await raw(h, 'POST', '/api/v1/pvs', '{"pv_name":"ENC:1"}', {
      'content-encoding': 'gzip',
    });
    assert.ok(garbled.status >= 400 && garbled.status < 500, `gzip garbage: ${garbled.status}`);
    const unknown = await raw(h, 'POST', '/api/v1/pvs', '{"pv_name":"ENC:2"}', { 'content-encoding': 'br2' });
    assert.equal(unknown.status, 415);
    await assertUnchanged('after bad encodings');
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
