/**
 * The client's put against our server over loopback: values checked against the channel before
 * anything is sent, limits read fresh when asked, and the server's verdict on a plain write.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CaClient, CaServer, ProcessVariable, Values } from '../src/index.ts';
import { DBR, ECA, PutError, pv, WriteRefused } from '../src/index.ts';
import { clientFor, startServer } from './loopback.ts';
import { RawCircuit } from './raw-circuit.ts';

describe('put checks', () => {
  let server: CaServer;
  let client: CaClient;
  let writes = 0;

  before(async () => {
    // Each put that reaches the server is counted, then stored as usual.
    const counted = {
      onPut: (values: Values, target: ProcessVariable) => {
        writes++;
        target.post(values);
      },
    };
    server = await startServer({
      pvs: [
        pv.double('p:limited', 0, { limits: { controlLow: -5, controlHigh: 5 }, ...counted }),
        pv.double('p:upper', 0, { limits: { controlHigh: 10 }, ...counted }),
        pv.double('p:none', 0, counted),
        pv.enum('p:state', ['Off', 'On', 'Fault'], 0, counted),
        pv.long('p:picky', 3, {
          onPut: (values, target) => {
            if (values[0] === 13) throw new PutError('p:picky will not hold 13', ECA.PUTFAIL);
            target.post(values);
          },
        }),
      ],
    });
    client = clientFor(server);
  });
  after(async () => {
    await client.close();
    await server.stop();
  });

  it('refuses values outside the control limits when asked, inclusive; 0/0 means none', async () => {
    await client.put('p:limited', 5, { checkLimits: true, wait: true });
    await client.put('p:limited', -5, { checkLimits: true, wait: true });
    const before = writes;
    await assert.rejects(
      client.put('p:limited', 5.01, { checkLimits: true }),
      (err) => err instanceof WriteRefused && /outside the control limits \[-5, 5\]/.test(err.message),
    );
    await assert.rejects(client.put('p:upper', 11, { checkLimits: true }), /\[0, 10\]/);
    assert.equal(writes, before, 'nothing reached the server');
    await client.put('p:none', 1e9, { checkLimits: true, wait: true });
    await client.put('p:limited', 7, { wait: true }); // not asked: the server decides
    assert.equal((await client.get('p:limited')).value, 7);
  });

  it('takes enum state names and refuses indexes past the states', async () => {
    await client.put('p:state', 'Fault', { wait: true });
    assert.equal((await client.get('p:state')).value, 2);
    await assert.rejects(client.put('p:state', 99), /index 0\.\.2; choices: 0="Off", 1="On", 2="Fault"/);
    assert.equal((await client.get('p:state')).value, 2);
  });

  it("a plain write reports the server's refusal, and resolves once the server took the value", async () => {
    await client.put('p:picky', 12);
    assert.equal((await client.get('p:picky')).value, 12);
    await assert.rejects(client.put('p:picky', 13), (err: Error) =>
      /Channel write request failed/.test(err.message),
    );
    assert.equal((await client.get('p:picky')).value, 12);
  });

  it('sends the updates a put posted before its completion', async () => {
    // On the wire, not through CaClient (which may handle both frames of one read before the put's
    // promise settles): the update the put posted must precede the put's completion reply.
    const raw = await RawCircuit.open(server.tcpPort);
    try {
      const channel = await raw.channel('p:none');
      await raw.subscribe(channel, 7);
      for (const value of [11, 12, 13]) {
        const from = raw.replies.length;
        assert.equal(await raw.writeNotify(channel, DBR.DOUBLE, [value]), ECA.NORMAL);
        const kinds = raw.replies.slice(from).map((r) => r.kind);
        assert.deepEqual(kinds, ['eventAddReply', 'writeNotifyReply'], `put ${value}`);
      }
    } finally {
      raw.close();
    }
  });
});
