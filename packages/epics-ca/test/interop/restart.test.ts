import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { CaRepeater, CaServer, pv } from '../../src/index.ts';
import { freeUdpPort, serverEnv, startServer } from '../loopback.ts';
import { until } from '../waits.ts';
import { caEnv, requirePeers, script, startPeer } from './peers.ts';

interface Event {
  event: 'value' | 'conn';
  value?: number;
  up?: boolean;
}

function follow(child: ChildProcess): Event[] {
  const events: Event[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      // peers print banners and warnings on stdout at times
    }
  });
  return events;
}

for (const lib of ['pyepics', 'caproto']) {
  describe(`${lib} monitoring our server while it restarts`, () => {
    const cleanup: (() => unknown)[] = [];
    after(async () => {
      for (const step of cleanup.reverse()) await step();
    });

    it('sees the disconnect and resumes on the restarted server with no action', async () => {
      requirePeers();
      const repeaterPort = await freeUdpPort();
      const repeater = new CaRepeater();
      await repeater.start(repeaterPort, '127.0.0.1');
      cleanup.push(() => repeater.stop());
      const beaconAddresses = [`127.0.0.1:${repeaterPort}`];
      const first = await startServer({ pvs: [pv.double('rs:value', 1)], beaconAddresses });
      const port = first.udpPort;
      const peer = startPeer(
        [script('monitor.py'), lib, 'rs:value'],
        caEnv(port, { EPICS_CA_REPEATER_PORT: String(repeaterPort) }),
      );
      cleanup.push(() => peer.kill('SIGKILL'));
      const events = follow(peer);
      await until(() => events.some((e) => e.event === 'value' && e.value === 1), `${lib} first update`);
      first.get('rs:value')!.post(2);
      await until(() => events.some((e) => e.value === 2), 'second update');
      await first.stop();
      await until(
        () => events.some((e) => e.event === 'conn' && e.up === false),
        `${lib} to notice the loss`,
      );
      const second = new CaServer({
        port,
        interfaces: ['127.0.0.1'],
        beaconAddresses,
        env: serverEnv(),
        pvs: [pv.double('rs:value', 3)],
      });
      await second.start();
      cleanup.push(() => second.stop());
      await until(() => events.at(-1)?.value === 3, `${lib} to resume on the new server`);
      const conns = events.filter((e) => e.event === 'conn').map((e) => e.up);
      assert.deepEqual(conns.slice(-2), [false, true]);
    });
  });
}
