import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Router from '@koa/router';
import { buildOpenApi, createLogger, createService, type Service } from '../src/index.ts';
import { schemas, widgetRoutes } from './fixtures/widgets.ts';

function exampleService(): Service {
  return createService({
    name: 'example_service',
    info: { title: 'Example', version: '1.0.0' },
    schemas,
    sources: [join(import.meta.dirname, 'fixtures/widgets.ts')],
    routes: widgetRoutes,
    bodyLimit: '2kb',
    logger: createLogger('example_service', 'silent'),
  });
}

describe('service-kit example app', () => {
  let service: Service;
  let base: string;
  before(async () => {
    service = exampleService();
    base = (await service.listen(0, '127.0.0.1')).url;
  });
  after(() => service.close());

  const post = (path: string, body: string) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('serves health, readiness and Prometheus metrics', async () => {
    assert.deepEqual(await (await fetch(`${base}/health`)).json(), {
      status: 'healthy',
      service: 'example_service',
    });
    assert.deepEqual(await (await fetch(`${base}/ready`)).json(), { status: 'ready' });
    await fetch(`${base}/widgets/none`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /http_request_duration_seconds_count\{[^}]*route="\/widgets\/:name"[^}]*status="404"/,
    );
    assert.match(metrics, /process_cpu_seconds_total/);
  });

  it('validates bodies against the published schema and applies defaults', async () => {
    const created = await post('/widgets', JSON.stringify({ name: 'w1' }));
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), { name: 'w1', size: 1 });
    const bad = await post('/widgets', JSON.stringify({ size: -1, colour: 'red' }));
    assert.equal(bad.status, 422);
    const { detail } = (await bad.json()) as { detail: { type: string; loc: unknown[] }[] };
    assert.deepEqual(
      detail.map((d) => [d.type, d.loc]).sort(),
      [
        ['extra_forbidden', ['body', 'colour']],
        ['greater_than_equal', ['body', 'size']],
        ['missing', ['body', 'name']],
      ].sort(),
    );
  });

  it('answers malformed JSON and a missing body with 422', async () => {
    const malformed = await post('/widgets', '{"name": ');
    assert.equal(malformed.status, 422);
    const body = (await malformed.json()) as { detail: { type: string; loc: unknown[] }[] };
    assert.equal(body.detail[0].type, 'json_invalid');
    assert.equal(body.detail[0].loc[0], 'body');
    const missing = await fetch(`${base}/widgets`, { method: 'POST' });
    assert.equal(missing.status, 422);
    assert.deepEqual(((await missing.json()) as { detail: { loc: unknown[] }[] }).detail[0].loc, ['body']);
  });

  it('coerces and checks query parameters', async () => {
    assert.deepEqual(await (await fetch(`${base}/slow?ms=1`)).json(), { waited: 1 });
    const bad = await fetch(`${base}/slow?ms=forever`);
    assert.equal(bad.status, 422);
    assert.deepEqual(((await bad.json()) as { detail: { loc: unknown[] }[] }).detail[0].loc, ['query', 'ms']);
  });

  it('refuses bodies over the configured limit', async () => {
    const res = await post('/widgets', JSON.stringify({ name: 'x', tags: ['y'.repeat(4096)] }));
    assert.equal(res.status, 413);
    assert.ok(typeof ((await res.json()) as { detail: unknown }).detail === 'string');
  });

  it('uses the detail envelope for 404, 405 and handler errors', async () => {
    const unknown = await fetch(`${base}/nowhere`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), { detail: 'Not Found' });
    const notFound = await fetch(`${base}/widgets/ghost`);
    assert.deepEqual(await notFound.json(), { detail: 'Widget not found: ghost' });
    const wrongMethod = await fetch(`${base}/widgets`, { method: 'DELETE' });
    assert.equal(wrongMethod.status, 405);
    assert.deepEqual(await wrongMethod.json(), { detail: 'Method Not Allowed' });
    assert.match(wrongMethod.headers.get('allow') ?? '', /POST/);
  });

  it('answers a method no route has (TRACE, PROPFIND) as Starlette does: 405 with Allow on a known path, 404 elsewhere', async () => {
    // fetch refuses to send TRACE, so a plain http request.
    const send = (method: string, path: string) =>
      new Promise<{ status: number; allow?: string; body: string }>((resolve, reject) => {
        const req = request(`${base}${path}`, { method }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const method of ['TRACE', 'PROPFIND']) {
      const known = await send(method, '/widgets');
      assert.equal(known.status, 405, method);
      assert.match(known.allow ?? '', /POST/, method);
      assert.deepEqual(JSON.parse(known.body), { detail: 'Method Not Allowed' });
      const unknown = await send(method, '/nowhere');
      assert.equal(unknown.status, 404, method);
      assert.deepEqual(JSON.parse(unknown.body), { detail: 'Not Found' });
    }
  });

  it('hides internal errors behind a request id', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'req-42' } });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-request-id'), 'req-42');
    const text = await res.text();
    assert.doesNotMatch(text, /secret|at .*\.ts/);
    assert.match(text, /req-42/);
  });

  it('publishes OpenAPI 3.1 with its routes, the health routes and the component schemas, and a Swagger UI', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths), [
      '/boom',
      '/health',
      '/metrics',
      '/ready',
      '/slow',
      '/widgets',
      '/widgets/{name}',
    ]);
    assert.deepEqual(doc.components.schemas.Widget, schemas.Widget);
    const ui = await fetch(`${base}/docs`);
    assert.match(await ui.text(), /swagger-ui-bundle\.js/);
    const asset = await fetch(`${base}/docs/swagger-ui-bundle.js`);
    assert.equal(asset.status, 200);
    assert.ok((await asset.arrayBuffer()).byteLength > 100_000);
    assert.equal((await fetch(`${base}/docs/..%2Fpackage.json`)).status, 404);
  });
});

describe('service-kit lifecycle', () => {
  it('writes the OpenAPI document to OPHYD_SERVICE_OPENAPI_EXPORT_PATH at start-up', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kit-')), 'nested/example.openapi.json');
    process.env.OPHYD_SERVICE_OPENAPI_EXPORT_PATH = path;
    const service = exampleService();
    try {
      await service.listen(0, '127.0.0.1');
    } finally {
      delete process.env.OPHYD_SERVICE_OPENAPI_EXPORT_PATH;
      await service.close();
    }
    const written = await readFile(path, 'utf8');
    assert.ok(written.endsWith('}\n'));
    assert.deepEqual(JSON.parse(written), service.openapi);
  });

  it('stops accepting on close but lets an in-flight request finish, then runs close hooks', async () => {
    // A route the test holds open: it says when a request is inside, and answers when released.
    const inside = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const held = new Router();
    held.get('/held', async (ctx) => {
      inside.resolve();
      await release.promise;
      ctx.body = { released: true };
    });
    const service = createService({
      name: 'example_service',
      info: { title: 'Example', version: '1.0.0' },
      schemas,
      sources: [join(import.meta.dirname, 'fixtures/widgets.ts')],
      routes: (kit) => [...widgetRoutes(kit), held],
      logger: createLogger('example_service', 'silent'),
    });
    const events: string[] = [];
    service.onClose(() => {
      events.push('hook');
    });
    const { url } = await service.listen(0, '127.0.0.1');
    const inFlight = fetch(`${url}/held`).then(async (r) => {
      events.push(`response ${r.status}`);
      return r.json();
    });
    await inside.promise;
    const closing = service.close().then(() => events.push('closed'));
    // Closed to new connections at once, while the request inside still runs.
    await assert.rejects(fetch(`${url}/health`));
    assert.deepEqual(events, [], 'close waits for the request in flight');
    release.resolve();
    assert.deepEqual(await inFlight, { released: true });
    await closing;
    assert.deepEqual(events, ['response 200', 'hook', 'closed']);
  });
});

describe('OpenAPI document built in a child process', () => {
  it("stops start-up with swagger-jsdoc's reason when a route's @openapi block does not parse", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
    const route = join(dir, 'route.ts');
    await writeFile(route, '/**\n * @openapi\n * /x:\n *   get:\n *     responses: [unclosed\n */\n');
    assert.throws(
      () => buildOpenApi({ title: 'Broken', version: '1' }, [route], {}),
      (err: Error) => err.message.includes(route) && err.message.includes('flow sequence'),
    );
  });
});
