/**
 * The web UI of a Beamline with `webUi.enabled`: Deployment and Service `<bl>-web-ui` (5173) serving
 * the page built into the runtime image and /config.json. The browser calls the services itself, so
 * the page is told where they are: `webUi.serviceUrls` when given, otherwise the host the page was
 * reached on with each service's own port (what a `kubectl port-forward` of each Service gives).
 * With a queue server whose key is in a Secret, the page gets that key, as `npm start`'s page does.
 */
import { ENDPOINTS } from '@ophyd-service/endpoints';
import { ALL_INTERFACES, type Builders, type K8sObject, type Resources } from './builders.ts';
import type { Beamline } from './crd/beamline.ts';

const WEB_UI = ENDPOINTS['web-ui'];
const DEFAULT_RESOURCES: Resources = {
  requests: { cpu: '10m', memory: '64Mi' },
  limits: { memory: '256Mi' },
};
/** Each `serviceUrls` key and the variable that hands it to /config.json. */
const URL_VARIABLES = {
  configuration: 'WEB_UI_CONFIGURATION_URL',
  directControl: 'WEB_UI_DIRECT_CONTROL_URL',
  queueServer: 'WEB_UI_QUEUE_SERVER_URL',
} as const;

export function webUiChildren(beamline: Beamline, b: Builders): K8sObject[] {
  const { webUi = {}, queueServer } = beamline.spec;
  const env: unknown[] = Object.entries(URL_VARIABLES)
    .filter(([key]) => webUi.serviceUrls?.[key as keyof typeof URL_VARIABLES])
    .map(([key, name]) => ({ name, value: webUi.serviceUrls![key as keyof typeof URL_VARIABLES] }));
  if (queueServer?.enabled && queueServer.apiKey)
    env.push({
      name: 'QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY',
      valueFrom: {
        secretKeyRef: { name: queueServer.apiKey.secretName, key: queueServer.apiKey.key ?? 'api-key' },
      },
    });
  return [
    b.deployment(
      b.n.webUi,
      'web-ui',
      b.container(
        'web-ui',
        ['web-ui', ...ALL_INTERFACES],
        {
          ports: [{ name: 'http', containerPort: WEB_UI.port }],
          // No empty list: the API server drops it, and the drift check would see a change each resync.
          ...(env.length ? { env } : {}),
          ...b.httpProbes(WEB_UI),
        },
        (webUi.resources as Resources | undefined) ?? DEFAULT_RESOURCES,
      ),
    ),
    b.service(b.n.webUi, 'web-ui', [{ name: 'http', port: WEB_UI.port, targetPort: WEB_UI.port }]),
  ];
}
