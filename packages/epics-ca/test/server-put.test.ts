import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DBR, ECA, pv } from '../src/index.ts';
import type { CaServer } from '../src/server/server.ts';
import { startServer } from './loopback.ts';
import { type RawChannel, RawCircuit } from './raw-circuit.ts';

/**
 * What the server stores of a put that arrives in another type than the PV's, and what it refuses:
 * the expectations are those of EPICS base 7 (rsrv answers ECA_PUTFAIL whenever dbPut fails), except
 * where EPICS would store something other than what was sent, which is refused here instead.
 */
describe('server: converting and refusing what a client puts', () => {
  let server: CaServer;
  let raw: RawCircuit;
  const channels: Record<string, RawChannel> = {};
  before(async () => {
    server = await startServer({
      pvs: [
        pv.double('p:double', 1.25),
        pv.float('p:float', 0.5),
        pv.long('p:long', 5),
        pv.short('p:short', 3),
        pv.char('p:char', 7),
        pv.enum('p:enum', ['Zero', 'One', 'Two'], 1),
        pv.string('p:string', 'text'),
        pv.double('p:clamped', 1, { limits: { controlLow: -5, controlHigh: 5 }, outsideLimits: 'clamp' }),
        pv.long('p:refusing', 1, { limits: { controlLow: 0, controlHigh: 10 }, outsideLimits: 'refuse' }),
        pv.double('p:published', 1, { limits: { controlLow: -5, controlHigh: 5 } }),
      ],
    });
    raw = await RawCircuit.open(server.tcpPort);
    for (const name of server.names()) channels[name] = await raw.channel(name);
  });
  after(async () => {
    raw.close();
    await server.stop();
  });

  const value = async (name: string) => (await raw.read(channels[name])).values[0];

  /** A WRITE_NOTIFY that must be refused with ECA_PUTFAIL, leaving the value as it was. */
  async function refused(name: string, dataType: number, sent: number | string) {
    const before = await value(name);
    assert.equal(await raw.writeNotify(channels[name], dataType, [sent]), ECA.PUTFAIL, `${sent} to ${name}`);
    assert.equal(await value(name), before, `${name} unchanged after ${sent}`);
  }

  async function stored(name: string, dataType: number, sent: number | string, expected: number | string) {
    assert.equal(await raw.writeNotify(channels[name], dataType, [sent]), ECA.NORMAL, `${sent} to ${name}`);
    assert.equal(await value(name), expected, `${sent} to ${name}`);
  }

  it('refuses text that is not a number, for floating and integer PVs alike', async () => {
    await refused('p:double', DBR.STRING, 'abc');
    await refused('p:double', DBR.STRING, '1.5mm');
    await refused('p:double', DBR.STRING, '');
    await refused('p:long', DBR.STRING, 'five');
    await refused('p:short', DBR.STRING, '  ');
    await refused('p:float', DBR.STRING, 'x1');
  });

  it('stores text that is a number, trimmed; a fraction to an integer PV is truncated as EPICS does', async () => {
    await stored('p:double', DBR.STRING, ' -2.5e1 ', -25);
    await stored('p:long', DBR.STRING, '2.7', 2);
    await stored('p:long', DBR.STRING, '-2.7', -2);
    await stored('p:double', DBR.STRING, '-inf', -Infinity);
    await stored('p:long', DBR.DOUBLE, 1.5, 1);
  });

  it('refuses numbers outside what an integer type holds instead of wrapping them', async () => {
    await refused('p:long', DBR.DOUBLE, 2 ** 40);
    await refused('p:long', DBR.STRING, '1099511627776');
    await refused('p:long', DBR.DOUBLE, -(2 ** 31) - 1);
    await refused('p:long', DBR.DOUBLE, Number.NaN);
    await refused('p:long', DBR.DOUBLE, Infinity);
    await refused('p:short', DBR.LONG, 40000);
    await refused('p:char', DBR.SHORT, 256);
    await refused('p:char', DBR.SHORT, -1);
    await refused('p:float', DBR.DOUBLE, 1e39);
    await stored('p:long', DBR.DOUBLE, 2 ** 31 - 1, 2147483647);
    await stored('p:short', DBR.LONG, -32768, -32768);
    await stored('p:char', DBR.DOUBLE, 255, 255);
  });

  it('takes an enum state by name or index, and refuses any other', async () => {
    await stored('p:enum', DBR.STRING, 'Two', 2);
    await stored('p:enum', DBR.STRING, '0', 0);
    await stored('p:enum', DBR.ENUM, 1, 1);
    await refused('p:enum', DBR.ENUM, 99);
    await refused('p:enum', DBR.SHORT, 3);
    await refused('p:enum', DBR.SHORT, -1);
    await refused('p:enum', DBR.DOUBLE, 3.5);
    await refused('p:enum', DBR.STRING, 'Four');
    await refused('p:enum', DBR.STRING, '99');
    await refused('p:enum', DBR.STRING, '1.0');
  });

  it('writes numbers to a STRING PV as their text', async () => {
    await stored('p:string', DBR.DOUBLE, 2.5, '2.5');
  });

  it('applies the control limits as the PV says: clamp, refuse, or only publish them', async () => {
    await stored('p:clamped', DBR.DOUBLE, 12, 5);
    await stored('p:clamped', DBR.STRING, '-7', -5);
    await stored('p:clamped', DBR.DOUBLE, 4.5, 4.5);
    await refused('p:refusing', DBR.LONG, 11);
    await refused('p:refusing', DBR.DOUBLE, -1);
    await stored('p:refusing', DBR.DOUBLE, 10, 10);
    await stored('p:published', DBR.DOUBLE, 9, 9);
  });

  it('serves new control limits at once, to reads and to property monitors alike', async () => {
    const CTRL_DOUBLE = 34;
    const channel = channels['p:published'];
    assert.equal((await raw.read(channel, CTRL_DOUBLE)).limits?.controlHigh, 5);
    // The value does not change: only the metadata, which a put's limit check reads first.
    server.get('p:published')!.setMeta({ limits: { controlLow: -1, controlHigh: 1 } });
    const limits = (await raw.read(channel, CTRL_DOUBLE)).limits;
    assert.deepEqual([limits?.controlLow, limits?.controlHigh], [-1, 1]);
  });

  it('answers a refused plain WRITE with a CA error naming ECA_PUTFAIL, and keeps the value', async () => {
    const before = await value('p:long');
    raw.write(channels['p:long'], DBR.DOUBLE, [2 ** 40]);
    const error = await raw.nextError();
    assert.equal(error.status, ECA.PUTFAIL);
    assert.equal(error.cid, channels['p:long'].cid);
    assert.match(error.message, /p:long .*cannot hold 1099511627776/);
    assert.equal(await value('p:long'), before);
    raw.write(channels['p:long'], DBR.STRING, ['12']);
    assert.equal(await raw.writeNotify(channels['p:long'], DBR.LONG, [13]), ECA.NORMAL);
    assert.equal(raw.errors.length, 0, 'an accepted WRITE sends nothing back');
    assert.equal(await value('p:long'), 13);
  });
});
