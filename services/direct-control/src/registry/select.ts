/**
 * Which registry a starting service uses (spec §3.3, §3.4): `file` reads the file; `http` waits
 * (the start-up probe) until the configuration service answers; `auto` takes the service when it
 * answers within the probe window (one check with the probe off) and otherwise the file, failing
 * when there is no file to fall back on.
 */
import type { DirectControlConfig } from '../config.ts';
import { FileRegistry } from './file-registry.ts';
import { HttpRegistry } from './http-registry.ts';
import type { RegistryProvider } from './provider.ts';

/** null when the configuration service answers its /health with 200, else why not. */
export async function probeConfiguration(base: string): Promise<string | null> {
  try {
    const res = await fetch(`${base.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 ? null : `configuration_service /health returned HTTP ${res.status}`;
  } catch (err) {
    const e = err as Error;
    return e.name === 'TimeoutError'
      ? `timeout reaching configuration_service /health: ${e.message}`
      : `cannot reach configuration_service /health: ${e.message}`;
  }
}

/** Polls until the service answers or the window closes (at least one attempt); the last reason, or null. */
export async function waitForConfiguration(
  base: string,
  timeoutS: number,
  intervalS: number,
): Promise<string | null> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const why = await probeConfiguration(base);
    if (why === null || Date.now() + intervalS * 1000 > deadline) return why;
    await new Promise((r) => setTimeout(r, intervalS * 1000));
  }
}

function fileRegistry(config: DirectControlConfig): FileRegistry {
  if (!config.DIRECT_CONTROL_REGISTRY_FILE_PATH)
    throw new Error(
      'DIRECT_CONTROL_REGISTRY_FILE_PATH is required with DIRECT_CONTROL_REGISTRY_BACKEND=file',
    );
  return FileRegistry.load(config.DIRECT_CONTROL_REGISTRY_FILE_PATH);
}

export async function selectRegistry(
  config: DirectControlConfig,
  log: (message: string) => void = () => {},
): Promise<RegistryProvider> {
  const backend = config.DIRECT_CONTROL_REGISTRY_BACKEND;
  if (backend === 'file') return fileRegistry(config);
  const url = config.DIRECT_CONTROL_CONFIGURATION_SERVICE_URL;
  const probe = config.DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE;
  const window = probe ? config.DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_TIMEOUT : 0;
  const interval = config.DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE_INTERVAL;
  const http = () =>
    new HttpRegistry({ baseUrl: url, statusTimeoutMs: config.DIRECT_CONTROL_COORDINATION_TIMEOUT * 1000 });
  if (backend === 'http' && !probe) return http();
  const why = await waitForConfiguration(url, window, interval);
  if (why === null) return http();
  if (backend === 'auto' && config.DIRECT_CONTROL_REGISTRY_FILE_PATH) {
    log(
      `configuration service at ${url} not reachable (${why}); using the registry file instead (coordination off)`,
    );
    return fileRegistry(config);
  }
  throw new Error(
    `the configuration service at ${url} is not reachable after ${window} s: ${why}.` +
      (backend === 'auto'
        ? ' Set DIRECT_CONTROL_REGISTRY_FILE_PATH for a file fallback.'
        : ' Set DIRECT_CONTROL_CONFIG_SERVICE_STARTUP_PROBE=false to start without waiting.'),
  );
}
