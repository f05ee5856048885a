import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { desiredChildren, type K8sObject } from '../src/children.ts';
import type { Beamline } from '../src/crd/beamline.ts';

const beamline = (spec: Partial<Beamline['spec']>): Beamline => ({
  apiVersion: 'ophyd-service.dev/v1alpha1',
  kind: 'Beamline',
  metadata: { name: 'mini', namespace: 'bl', uid: 'u-1', generation: 1 },
  spec: { iocs: [{ name: 'mini', simulated: { kind: 'mini_beamline' } }], ...spec },
});
const webUiOf = (children: K8sObject[]) => children.filter((c) => c.metadata.name === 'mini-web-ui');
const containerOf = (children: K8sObject[]) => {
  const deployment = webUiOf(children).find((c) => c.kind === 'Deployment') as any;
  assert.ok(deployment, 'Deployment mini-web-ui');
  return deployment.spec.template.spec.containers[0];
};
const env = (container: any) =>
  Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('the web UI of a Beamline', () => {
  it('is not there unless enabled', () => {
    assert.deepEqual(webUiOf(desiredChildren(beamline({}))), []);
    assert.deepEqual(webUiOf(desiredChildren(beamline({ webUi: { enabled: false } }))), []);
  });

  it('is a Deployment of `web-ui` on every interface and a Service on 5173, probed on /config.json', () => {
    const children = desiredChildren(beamline({ webUi: { enabled: true } }));
    assert.deepEqual(
      webUiOf(children).map((c) => c.kind),
      ['Deployment', 'Service'],
    );
    const container = containerOf(children);
    assert.deepEqual(container.args, ['web-ui', '--host', '0.0.0.0']);
    assert.deepEqual(container.ports, [{ name: 'http', containerPort: 5173 }]);
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/config.json', port: 5173 });
    assert.equal(container.env, undefined, 'no empty env list (the API server would drop it: drift)');
    const service = webUiOf(children).find((c) => c.kind === 'Service') as any;
    assert.deepEqual(service.spec.ports, [{ name: 'http', port: 5173, targetPort: 5173 }]);
  });

  it('hands the page the service URLs it is given and the queue server key from its Secret', () => {
    const children = desiredChildren(
      beamline({
        webUi: { enabled: true, serviceUrls: { queueServer: 'https://bl.example/queue' } },
        queueServer: { enabled: true, apiKey: { secretName: 'qs-key' } },
      }),
    );
    assert.deepEqual(env(containerOf(children)), {
      WEB_UI_QUEUE_SERVER_URL: 'https://bl.example/queue',
      QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY: { secretKeyRef: { name: 'qs-key', key: 'api-key' } },
    });
  });

  it('gives no key when the queue server is off, whatever its settings say', () => {
    const children = desiredChildren(
      beamline({
        webUi: { enabled: true },
        queueServer: { enabled: false, apiKey: { secretName: 'qs-key' } },
      }),
    );
    assert.deepEqual(env(containerOf(children)), {});
  });
});
