import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GenericContainer, Wait } from 'testcontainers';
import {
  call,
  exerciseConfiguration,
  exerciseDirectControl,
  exerciseSockets,
} from '../../../cli/deployment-checks.ts';
import { deviceBody } from '../../../services/direct-control/test/stack.ts';
import { type Pod, startPod } from '../src/pods.ts';

/** The devices of the IOCs the happi seed does not cover, added at run time (exerciser E). */
const EXTRA = [
  ...['random_walk', 'random_walk_h', 'random_walk_v'].map((name, i) => {
    const prefix = ['random_walk:', 'random_walk:horiz-', 'random_walk:vert-'][i];
    return {
      metadata: { name, device_label: 'detector', ophyd_class: 'RandomWalk', pvs: { prefix } },
      instantiation_spec: { name, device_class: 'localdevs.RandomWalk', args: [prefix] },
    };
  }),
  {
    metadata: { name: 'thermo', device_label: 'detector', ophyd_class: 'Thermo', pvs: { prefix: 'thermo:' } },
    instantiation_spec: { name: 'thermo', device_class: 'localdevs.Thermo', args: ['thermo:'] },
  },
  ...['random_walk:x', 'random_walk:dt', 'thermo:I', 'thermo:SP'].map((pv) =>
    deviceBody(pv.replace(':', '_'), pv),
  ),
];

describe('full pod: every simulated IOC in its own container, plus the inner loop', () => {
  let pod: Pod;
  before(async () => {
    pod = await startPod('full');
  });
  after(() => pod?.stop());

  it('passes the configuration, direct-control and WebSocket exercisers', async () => {
    await exerciseConfiguration(pod.configurationUrl!);
    await exerciseDirectControl(pod.directControlUrl);
    await exerciseSockets(pod.directControlUrl);
  });

  it('extends the registry at run time, serves the new IOCs, exports and re-imports the same registry', async () => {
    const base = pod.configurationUrl!;
    const initial = (await call('GET', `${base}/health`)).body.devices_loaded as number;
    for (const device of EXTRA) {
      const r = await call('POST', `${base}/api/v1/devices`, device);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    assert.equal((await call('GET', `${base}/health`)).body.devices_loaded, initial + EXTRA.length);
    for (const pv of ['random_walk:x', 'thermo:I', 'sim:mtr1.RBV', '13SIM1:cam1:SizeX']) {
      const r = await call('GET', `${pod.directControlUrl}/api/v1/pv/${pv}/value`);
      assert.equal(r.status, 200, `${pv}: ${JSON.stringify(r.body)}`);
    }
    await exerciseSockets(pod.directControlUrl, 'random_walk:x', 'thermo');
    const exported = (await call('GET', `${base}/api/v1/registry/export`)).body as Record<string, any>;
    assert.equal(Object.keys(exported).length, initial + EXTRA.length);
    for (const entry of Object.values(exported))
      for (const key of ['_id', 'name', 'device_class', 'args', 'kwargs', 'type', 'active'])
        assert.ok(entry[key] !== null && entry[key] !== undefined, `${entry.name}.${key}`);
    // Re-import into a throwaway configuration service with no database.
    const file = join(tmpdir(), `export-${Date.now()}.json`);
    writeFileSync(file, JSON.stringify(exported));
    const side = await new GenericContainer(pod.image)
      .withCommand(['configuration', '--load-strategy', 'happi', '--profile-path', '/tmp/export.json'])
      .withEnvironment({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' })
      .withCopyFilesToContainer([{ source: file, target: '/tmp/export.json', mode: 0o644 }])
      .withExposedPorts(8004)
      .withWaitStrategy(Wait.forHttp('/ready', 8004))
      .start();
    try {
      const sideUrl = `http://${side.getHost()}:${side.getMappedPort(8004)}`;
      assert.equal((await call('GET', `${sideUrl}/health`)).body.devices_loaded, initial + EXTRA.length);
      const names = (url: string) =>
        call('GET', `${url}/api/v1/devices`).then((r) => (r.body as string[]).sort());
      assert.deepEqual(await names(sideUrl), await names(base));
    } finally {
      await side.stop();
    }
  });
});
