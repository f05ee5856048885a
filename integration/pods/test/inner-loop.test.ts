import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import {
  call,
  exerciseConfiguration,
  exerciseDirectControl,
  exerciseSockets,
} from '../../../cli/deployment-checks.ts';
import { until } from '../../../packages/epics-ca/test/waits.ts';
import { deviceBody, TestSocket } from '../../../services/direct-control/test/stack.ts';
import { type Pod, startPod } from '../src/pods.ts';

describe('inner-loop pod: IOC, PostgreSQL, configuration, direct control in containers', () => {
  let pod: Pod;
  before(async () => {
    pod = await startPod('inner-loop');
  });
  after(() => pod?.stop());

  it('passes the configuration-service exerciser', () => exerciseConfiguration(pod.configurationUrl!));
  it('passes the direct-control exerciser', () => exerciseDirectControl(pod.directControlUrl));
  it('passes the WebSocket exerciser on both sockets', () => exerciseSockets(pod.directControlUrl));

  it('reaches the IOC from the host over CA name servers', async () => {
    const client = new CaClient({ env: readCaEnv(pod.caEnv()), repeater: false });
    try {
      const current = Number((await client.get('mini:current')).value);
      assert.ok(current > 400 && current < 600);
    } finally {
      await client.close();
    }
  });

  it('loses no acknowledged registry write while PostgreSQL restarts under load', async () => {
    const base = pod.configurationUrl!;
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let running = true;
    const writer = (async () => {
      for (let i = 0; running; i++) {
        const name = `load_${i}`;
        const r = await call('POST', `${base}/api/v1/devices`, deviceBody(name, `load:${i}`)).catch(() => ({
          status: 0,
          body: null,
        }));
        if (r.status >= 200 && r.status < 300) acknowledged.push(name);
        else refused.push(r.status);
      }
    })();
    // Counted, not timed: writes are landing before the restart and land again after it.
    await until(() => acknowledged.length >= 10, 'writes acknowledged before the restart');
    await pod.restart('postgres');
    const atRestart = acknowledged.length;
    await until(() => acknowledged.length >= atRestart + 10, 'writes acknowledged after the restart');
    running = false;
    await writer;
    assert.ok(acknowledged.length > 10, `writes went through (${acknowledged.length} acknowledged)`);
    // Ask the database, not the service's memory: restart the service too, then read back.
    await pod.restart('configuration');
    const names = new Set((await call('GET', `${pod.configurationUrl}/api/v1/devices`)).body as string[]);
    const lost = acknowledged.filter((n) => !names.has(n));
    assert.deepEqual(
      lost,
      [],
      `acknowledged writes missing after the restarts (refused meanwhile: ${refused.length})`,
    );
  });

  it('keeps the registry across a configuration-service restart (PostgreSQL holds it)', async () => {
    const base = pod.configurationUrl!;
    const r = await call('POST', `${base}/api/v1/devices`, deviceBody('survivor', 'surv:1'));
    assert.equal(r.status, 201);
    await pod.restart('configuration');
    assert.equal((await call('GET', `${pod.configurationUrl}/api/v1/devices/survivor`)).status, 200);
  });

  it('resumes WebSocket monitors when the IOC container restarts, with no client action', async () => {
    const socket = await TestSocket.open(`${pod.directControlUrl.replace('http', 'ws')}/api/v1/pv-socket`);
    try {
      await socket.request({ action: 'subscribe', pv: 'mini:current' }, (f) => f.type === 'subscribed');
      const mark = socket.frames.length;
      await pod.restart('ioc');
      await socket.next((f) => f.pv === 'mini:current' && f.connected === false, mark);
      const back = await socket.next((f) => f.pv === 'mini:current' && f.connected === true, mark);
      const afterBack = socket.frames.indexOf(back);
      await socket.next((f) => f.pv === 'mini:current' && 'value' in f, afterBack + 1);
    } finally {
      socket.close();
    }
  });
});
