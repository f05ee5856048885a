/** A pod's access as the KubeConfig @kubernetes/client-node works from. */
import { isIPv6 } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterAccess } from './access.ts';

export function kubeConfigOf(access: ClusterAccess): KubeConfig {
  const host = isIPv6(access.host) ? `[${access.host}]` : access.host;
  const config = new KubeConfig();
  config.loadFromClusterAndUser(
    {
      name: 'in-cluster',
      server: `https://${host}:${access.port}`,
      caData: access.ca.toString('base64'),
      skipTLSVerify: false,
    },
    { name: 'service-account', token: access.token },
  );
  return config;
}
