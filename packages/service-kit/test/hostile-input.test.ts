/**
 * Hostile input against the kit's example app (issue 18): every refusal is a 4xx with the
 * `{"detail"}` envelope — never a 500, a hang or an empty body — and the app answers a normal
 * request correctly right after.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createLogger, createService, type Service } from '../src/index.ts';
import { schemas, widgetRoutes } from './fixtures/widgets.ts';

type Issue = { type: string; loc: (string | number)[]; msg: string; input?: unknown };

describe('service-kit against hostile input', { concurrency: 1 }, () => {
  let service: Service;
  let base: string;
  let created = 0;
  before(async () => {
    service = createService({
      name: 'example_service',
      info: { title: 'Example', version: '1.0.0' },
      schemas,
      sources: [join(import.meta.dirname, 'fixtures/widgets.ts')],
      routes: widgetRoutes,
      bodyLimit: '256kb', // room for bodies nested 10,000 deep
      logger: createLogger('example_service', 'silent'),
    });
    base = (await service.listen(0, '127.0.0.1')).url;
  });
  after(() => service.close());

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${base}/widgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const detail = async (res: Response) => ((await res.json()) as { detail: unknown }).detail;

  /** A fresh widget can be created and read back: the app is up and its state intact. */
  async function assertServing(what: string) {
    const name = `ok${++created}`;
    const res = await post(JSON.stringify({ name, size: 2 }));
    assert.equal(res.status, 201, what);
    assert.deepEqual(await (await fetch(`${base}/widgets/${name}`)).json(), { name, size: 2 }, what);
  }

  it('answers a garbage body under Content-Encoding br, gzip or deflate with 400, an unknown encoding with 415', async () => {
    for (const encoding of ['br', 'gzip', 'deflate']) {
      const res = await post('not compressed at all', { 'content-encoding': encoding });
      assert.equal(res.status, 400, encoding);
      assert.equal(await detail(res), `Request body could not be decoded (Content-Encoding: ${encoding})`);
    }
    const truncated = await post(gzipSync(JSON.stringify({ name: 'cut' })).subarray(0, 12), {
      'content-encoding': 'gzip',
    });
    assert.equal(truncated.status, 400, 'a gzip stream cut short');
    const unknown = await post('{}', { 'content-encoding': 'zstd-but-not-really' });
    assert.equal(unknown.status, 415);
    assert.equal(typeof (await detail(unknown)), 'string');
    // Encoded bodies that do decode still work.
    const brotli = await post(brotliCompressSync(JSON.stringify({ name: 'br1' })), {
      'content-encoding': 'br',
    });
    assert.equal(brotli.status, 201);
    const gzip = await post(gzipSync(JSON.stringify({ name: 'gz1' })), { 'content-encoding': 'gzip' });
    assert.equal(gzip.status, 201);
    await assertServing('after bad encodings');
  });

  it('answers a top-level array nested 10,000 deep with a bounded 422, not a 500', async () => {
    const res = await post(`${'['.repeat(10000)}${']'.repeat(10000)}`);
    assert.equal(res.status, 422);
    const text = await res.text();
    assert.ok(text.length < 500, `a short answer, not an echo of the input (${text.length} characters)`);
    assert.deepEqual(JSON.parse(text), {
      detail: [
        {
          type: 'json_invalid',
          loc: ['body', 64],
          msg: 'JSON decode error: nested deeper than 64 levels',
          ctx: { max_depth: 64 },
        },
      ],
    });
    // The same depth inside an object, and inside a string (where brackets do not count).
    const inObject = await post(`{"name":"deep","tags":${'['.repeat(10000)}${']'.repeat(10000)}}`);
    assert.equal(inObject.status, 422);
    assert.deepEqual(((await inObject.json()) as { detail: Issue[] }).detail[0].loc, ['body', 85]);
    const quoted = await post(JSON.stringify({ name: 'brackets', tags: ['['.repeat(100)] }));
    assert.equal(quoted.status, 201, 'brackets inside strings are text');
    await assertServing('after deep bodies');
  });

  it('answers valid but deep JSON where an object is expected with a 422 that echoes a bounded input', async () => {
    const shallow = `${'['.repeat(64)}${']'.repeat(64)}`;
    const res = await post(shallow);
    assert.equal(res.status, 422);
    const [issue] = ((await res.json()) as { detail: Issue[] }).detail;
    assert.deepEqual([issue.type, issue.loc], ['object_type', ['body']]);
    assert.equal(JSON.stringify(issue.input), shallow, 'a short input is echoed as it was');

    const long = JSON.stringify([...Array.from({ length: 60 }, (_, i) => [[i]])]);
    const wide = await post(long);
    const [cut] = ((await wide.json()) as { detail: Issue[] }).detail;
    assert.equal(cut.input, `${long.slice(0, 200)}…`, 'a long one is cut to its first 200 characters');

    const name = 'n'.repeat(5000);
    const tooLong = await post(JSON.stringify({ name }));
    assert.equal(tooLong.status, 422);
    const [nameIssue] = ((await tooLong.json()) as { detail: Issue[] }).detail;
    assert.deepEqual([nameIssue.type, nameIssue.loc], ['string_too_long', ['body', 'name']]);
    assert.equal(nameIssue.input, `${'n'.repeat(200)}…`);
    await assertServing('after wrong shapes');
  });

  it('answers a repeated query parameter with 422 on every route, validated or not', async () => {
    for (const path of ['/slow?ms=1&ms=2', '/widgets/ok1?verbose=1&verbose=2', '/health?x=1&x=2&x=3']) {
      const res = await fetch(base + path);
      assert.equal(res.status, 422, path);
      const [issue] = ((await res.json()) as { detail: Issue[] }).detail;
      assert.equal(issue.type, 'string_type', path);
      assert.equal(issue.loc[0], 'query');
      assert.match(issue.msg, /^Input should be a single value, not [23] values$/);
    }
    assert.deepEqual(await (await fetch(`${base}/slow?ms=1`)).json(), { waited: 1 });
    await assertServing('after repeated parameters');
  });

  it('refuses a __proto__ key in a body with a 422 saying so', async () => {
    const res = await post('{"name":"p1","__proto__":{"size":7}}');
    assert.equal(res.status, 422);
    assert.deepEqual(((await res.json()) as { detail: Issue[] }).detail, [
      {
        type: 'value_error',
        loc: ['body'],
        msg: "Value error, a JSON body may not have keys named '__proto__'",
      },
    ]);
    assert.equal((await fetch(`${base}/widgets/p1`)).status, 404);
    await assertServing('after a __proto__ key');
  });

  /** Sends raw bytes on a new connection and reads the whole answer (the server closes after it). */
  function exchange(request: string): Promise<{ status: number; headers: string[]; body: unknown }> {
    const { hostname, port } = new URL(base);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body] = text.split('\r\n\r\n');
        const [statusLine, ...headers] = head.split('\r\n');
        resolve({
          status: Number(statusLine.split(' ')[1]),
          headers,
          body: body ? JSON.parse(body) : undefined,
        });
      });
      socket.write(request, 'latin1');
    });
  }

  it("gives Node's own 431 and 400 answers the detail envelope", async () => {
    const big = await exchange(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    assert.equal(big.status, 431);
    assert.ok(
      big.headers.some((h) => /^content-type: application\/json$/i.test(h)),
      big.headers.join('|'),
    );
    assert.deepEqual(big.body, { detail: 'Request Header Fields Too Large' });

    const nul = await exchange('GET /widgets/a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(nul.status, 400);
    assert.deepEqual(nul.body, { detail: 'Bad Request: Invalid char in url path' });

    const badHeader = await exchange('GET /health HTTP/1.1\r\nHost: x\r\nNo Colon Here\r\n\r\n');
    assert.equal(badHeader.status, 400);
    assert.match(String((badHeader.body as { detail: string }).detail), /^Bad Request: /);
    await assertServing('after unparsable requests');
  });
});
