import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR, ECA, pv } from '../../src/index.ts';
import type { CaServer } from '../../src/server/server.ts';
import { serverEnv, startServer } from '../loopback.ts';
import { caEnv, requirePeers, runJson } from './peers.ts';

const MAX_ARRAY_BYTES = '20000000';

describe('pyepics (libca) and caproto clients against our server', () => {
  let server: CaServer;
  let ticker: NodeJS.Timeout;
  before(async () => {
    requirePeers();
    const counter = pv.long('i:counter', 0);
    // Set as the slow put's handler returns: a peer whose put(wait=True) came back early reads 0.
    const slowDone = pv.double('i:slow_done', 0);
    server = await startServer({
      env: serverEnv({ EPICS_CA_MAX_ARRAY_BYTES: MAX_ARRAY_BYTES }),
      pvs: [
        pv.double('i:double', 1.5, {
          units: 'mm',
          precision: 3,
          limits: { controlHigh: 10, controlLow: -10 },
        }),
        pv.float('i:float', 2.5),
        pv.long('i:long', 42),
        pv.short('i:short', -12),
        pv.char('i:char', 200),
        pv.string('i:string', 'ophyd-service'),
        pv.enum('i:enum', ['Out', 'In', 'Moving'], 1),
        pv.double('i:wave1', [3]),
        pv.double(
          'i:wave1000',
          Float64Array.from({ length: 1000 }, (_, i) => i),
        ),
        pv.double(
          'i:wave1000000',
          Float64Array.from({ length: 1_000_000 }, (_, i) => i),
        ),
        pv.double('i:ro', 3, { writable: false }),
        pv.double('i:slow', 0, {
          // The put stays in progress a while, so a completion sent early would reach the peer
          // before the handler's end.
          onPut: async (values, self) => {
            self.post(values);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            slowDone.post(values);
          },
        }),
        slowDone,
        counter,
      ],
    });
    let n = 0;
    ticker = setInterval(() => counter.post(++n), 20);
  });
  after(async () => {
    clearInterval(ticker);
    await server?.stop();
  });

  it('pyepics: every native type, puts, put-completion, arrays up to 1,000,000, enums, read-only, monitors', async () => {
    const out = (await runJson(
      'pyepics_client.py',
      caEnv(server.udpPort, { EPICS_CA_MAX_ARRAY_BYTES: MAX_ARRAY_BYTES }),
    )) as any;
    assert.deepEqual(out.values, {
      'i:double': 1.5,
      'i:float': 2.5,
      'i:long': 42,
      'i:short': -12,
      'i:char': 200,
      'i:string': 'ophyd-service',
      'i:enum': 1,
    });
    assert.deepEqual(Object.values(out.native_types), [
      DBR.DOUBLE,
      DBR.FLOAT,
      DBR.LONG,
      DBR.SHORT,
      DBR.CHAR,
      DBR.STRING,
      DBR.ENUM,
    ]);
    assert.equal(out.enum_as_string, 'In');
    assert.deepEqual(out.ctrl, { units: 'mm', precision: 3, upper_ctrl_limit: 10 });
    assert.deepEqual(out.after_put, { 'i:double': 7.5, 'i:long': -3, 'i:string': 'from libca', 'i:enum': 2 });
    assert.equal(out.enum_by_name, 0);
    assert.equal(out.slow_done_after_put, 1, 'put(wait=True) returned once the handler had finished');
    assert.deepEqual(out.wave1, [1, 3, 3]);
    assert.deepEqual(out.wave1000, [1000, 0, 999]);
    assert.deepEqual(out.wave1000000, [1_000_000, 0, 999_999]);
    assert.equal(out.ro_write_access, false);
    assert.equal(out.ro_value, 3);
    assert.equal(out.monitor_increasing, true);
  });

  it('caproto: every native type, puts, put-completion, arrays, enum strings, read-only refusal, monitors', async () => {
    const names = ['i:double', 'i:float', 'i:long', 'i:short', 'i:char', 'i:string', 'i:enum'];
    const expected = Object.fromEntries(names.map((n) => [n, server.get(n)!.value]));
    const out = (await runJson('caproto_client.py', caEnv(server.udpPort))) as any;
    assert.deepEqual(out.values, expected);
    assert.deepEqual(Object.values(out.native_types), [
      DBR.DOUBLE,
      DBR.FLOAT,
      DBR.LONG,
      DBR.SHORT,
      DBR.CHAR,
      DBR.STRING,
      DBR.ENUM,
    ]);
    assert.deepEqual(out.enum_strings, ['Out', 'In', 'Moving']);
    assert.deepEqual(out.after_put, { 'i:double': 4.25, 'i:string': 'from caproto' });
    assert.equal(out.slow_done_after_put, 2, 'write(wait=True) returned once the handler had finished');
    assert.deepEqual(out.wave1000, [1000, 0, 999]);
    assert.equal(out.ro_access, 1, 'read access only');
    assert.equal(out.ro_status, ECA.NOWTACCESS, 'the server refuses the write with ECA_NOWTACCESS');
    assert.equal(server.get('i:ro')!.value, 3);
    assert.ok(out.monitor_count >= 5);
    assert.equal(out.monitor_increasing, true);
  });
});
