import { after, before, describe, it } from 'node:test';
import { exerciseDirectControl, exerciseSockets } from '../../../cli/deployment-checks.ts';
import { type Pod, startPod } from '../src/pods.ts';

describe('standalone pod: IOC and direct control from a registry file, no configuration service', () => {
  let pod: Pod;
  before(async () => {
    pod = await startPod('standalone');
  });
  after(() => pod?.stop());

  it('passes the standalone direct-control exerciser', () =>
    exerciseDirectControl(pod.directControlUrl, { standalone: true }));
  it('streams over both sockets from the file registry', () =>
    exerciseSockets(pod.directControlUrl, 'mini:current', 'pinhole'));
});
