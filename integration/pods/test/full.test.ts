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
import { exerciseRegistryRoundtrip } from '../../../cli/registry-roundtrip.ts';
import { type Pod, startPod } from '../src/pods.ts';

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
    await exerciseRegistryRoundtrip(pod.configurationUrl!, {
      live: async () => {
        for (const pv of ['random_walk:x', 'thermo:I', 'sim:mtr1.RBV', '13SIM1:cam1:SizeX']) {
          const r = await call('GET', `${pod.directControlUrl}/api/v1/pv/${pv}/value`);
          assert.equal(r.status, 200, `${pv}: ${JSON.stringify(r.body)}`);
        }
        await exerciseSockets(pod.directControlUrl, 'random_walk:x', 'thermo');
      },
      // Re-import into a throwaway configuration service with no database, from the same image.
      reimport: async (exported) => {
        const file = join(tmpdir(), `export-${process.pid}.json`);
        writeFileSync(file, JSON.stringify(exported));
        const side = await new GenericContainer(pod.image)
          .withCommand(['configuration', '--load-strategy', 'happi', '--profile-path', '/tmp/export.json'])
          .withEnvironment({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' })
          .withCopyFilesToContainer([{ source: file, target: '/tmp/export.json', mode: 0o644 }])
          .withExposedPorts(8004)
          .withWaitStrategy(Wait.forHttp('/ready', 8004))
          .start();
        return {
          url: `http://${side.getHost()}:${side.getMappedPort(8004)}`,
          close: async () => {
            await side.stop();
          },
        };
      },
    });
  });
});
