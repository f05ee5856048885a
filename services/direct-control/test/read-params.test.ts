/** The one-shot read's parameters (spec §1.5), against the simulated IOCs and the seeded registry. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Stack, startStack } from './stack.ts';

describe('GET /api/v1/pv/{pv_name}/value parameters', () => {
  let stack: Stack;
  const read = async (path: string) => {
    const res = await fetch(`${stack.url}/api/v1/pv/${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  before(async () => {
    stack = await startStack();
    const res = await stack.config.send('POST', '/api/v1/pvs', { pv_name: 'NO:SUCH:PV' });
    assert.equal(res.status, 201);
  });
  after(() => stack.close());

  it('as_string gives an enum its state name and a number its text', async () => {
    await stack.client.put('13SIM1:cam1:Acquire', 'Done', { wait: true });
    const plain = await read('13SIM1:cam1:Acquire/value');
    assert.equal(plain.body.value, 0);
    const named = await read('13SIM1:cam1:Acquire/value?as_string=true');
    assert.equal(named.body.value, 'Done');
    // pydantic's spellings of a boolean, as the reference's clients send them
    assert.equal((await read('13SIM1:cam1:Acquire/value?as_string=yes')).body.value, 'Done');
    assert.equal((await read('13SIM1:cam1:Acquire/value?as_string=off')).body.value, 0);
    assert.equal((await read('13SIM1:cam1:Acquire/value?as_string=maybe')).status, 422);
    await stack.client.put('mini:ph:vel', 2.5, { wait: true });
    const text = await read('mini:ph:vel/value?as_string=true');
    assert.equal(typeof text.body.value, 'string');
    assert.equal(Number(text.body.value), 2.5);
  });

  it('count bounds the elements of an array', async () => {
    const { status, body } = await read('mini:dot:det/value?count=5');
    assert.equal(status, 200);
    assert.equal(body.value.length, 5);
    assert.deepEqual(body.shape, [5]);
    assert.equal((await read('mini:dot:det/value?count=0')).status, 422);
    assert.equal((await read('mini:dot:det/value?count=1e3')).status, 422, 'integers are decimal digits');
  });

  it('ftype forces the DBR request type', async () => {
    await stack.client.put('mini:ph:vel', 3, { wait: true });
    const { body } = await read('mini:ph:vel/value?ftype=0');
    assert.equal(typeof body.value, 'string');
    assert.equal(Number(body.value), 3);
  });

  it('use_monitor reads through the shared monitor, which then stays', async () => {
    const before = (await (await fetch(`${stack.url}/api/v1/pvs/connected`)).json()) as string[];
    assert.equal(before.includes('mini:edge:vel'), false);
    const { status, body } = await read('mini:edge:vel/value?use_monitor=true');
    assert.equal(status, 200);
    assert.equal(typeof body.value, 'number');
    const after = (await (await fetch(`${stack.url}/api/v1/pvs/connected`)).json()) as string[];
    assert.ok(after.includes('mini:edge:vel'));
  });

  it('connection_timeout bounds the connect, and names its seconds', async () => {
    const { status, body } = await read('NO:SUCH:PV/value?connection_timeout=0.2');
    assert.equal(status, 404);
    assert.match(body.detail, /NO:SUCH:PV: caget returned no value within 0\.2s/);
  });

  it('as_numpy=false answers JSON lists only', async () => {
    const json = await read('mini:dot:det/value?as_numpy=false&count=3');
    assert.equal(json.body.value.length, 3);
    const binary = await fetch(`${stack.url}/api/v1/pv/mini:dot:det/value?as_numpy=false&format=binary`);
    assert.equal(binary.status, 406);
  });
});
