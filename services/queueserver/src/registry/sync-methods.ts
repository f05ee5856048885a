/**
 * The 0MQ methods `config_service_diff` and `config_service_sync` (spec §3.11). They wait on the
 * registry, so the runtime answers them beside the manager's core (as it does `re_metadata`). They
 * fail while the coordination is off or no environment is open; an unreachable registry is tagged
 * `error_kind: "config_service_unreachable"` (the HTTP routes answer 503 for it, 409 otherwise).
 */
import { refuse, unsupportedParams } from '../manager/method.ts';
import type { OutsideMethod } from '../manager/runtime.ts';
import type { Params, Reply } from '../manager/types.ts';
import { pythonRepr } from '../zmq/python-repr.ts';
import { RegistryUnreachable } from './config-client.ts';
import type { RegistryCoordination } from './coordination.ts';
import { SYNC_STRATEGIES, type SyncStrategy } from './device-diff.ts';

export const CONFIG_SERVICE_UNREACHABLE = 'config_service_unreachable';

const DISABLED =
  'The configuration service is not enabled on this manager (QSERVER_CONFIG_SERVICE_ENABLED is off)';

export function configServiceMethods(registry: RegistryCoordination | null): Record<string, OutsideMethod> {
  return {
    config_service_diff: async (params, manager) => {
      const failed = { diff: null };
      const unsupported = unsupportedParams(params, []);
      if (unsupported) return refuse(`Error: ${unsupported}`, failed);
      if (!registry) return refuse(DISABLED, failed);
      if (!manager.data.worker.exists)
        return refuse(
          'RE Worker environment does not exist: open it before comparing its devices with the registry',
          failed,
        );
      return answer(failed, async () => ({ diff: await registry.diff() }));
    },

    config_service_sync: async (params, manager) => {
      const failed = { applied: null, diff_after: null };
      const unsupported = unsupportedParams(params, ['strategy', 'devices']);
      if (unsupported) return refuse(`Error: ${unsupported}`, failed);
      const request = syncRequest(params);
      if (typeof request === 'string') return refuse(request, failed);
      if (!registry) return refuse(DISABLED, failed);
      if (!manager.data.worker.exists)
        return refuse(
          'RE Worker environment does not exist: open it before syncing the registry with its devices',
          failed,
        );
      return answer(failed, () => registry.sync(request.strategy, request.devices));
    },
  };
}

/** The strategy and device names of a sync, or why they are refused. */
function syncRequest(params: Params): { strategy: SyncStrategy; devices: string[] } | string {
  const strategy = params.strategy ?? 'all';
  if (!SYNC_STRATEGIES.includes(strategy as SyncStrategy))
    return `Unknown strategy ${pythonRepr(strategy)}: expected one of ${pythonRepr([...SYNC_STRATEGIES])}`;
  const devices = params.devices ?? [];
  if (!Array.isArray(devices) || devices.some((name) => typeof name !== 'string'))
    return `'devices' must be a list of device names: ${pythonRepr(devices)}`;
  if (strategy === 'selected' && devices.length === 0)
    return "Strategy 'selected' needs a non-empty list of device names in 'devices'";
  return { strategy: strategy as SyncStrategy, devices };
}

async function answer(failed: Reply, work: () => Promise<Reply | object>): Promise<Reply> {
  try {
    return { success: true, msg: '', ...(await work()) };
  } catch (error) {
    if (error instanceof RegistryUnreachable)
      return refuse(error.message, { ...failed, error_kind: CONFIG_SERVICE_UNREACHABLE });
    return refuse(`Error: ${(error as Error).message}`, failed);
  }
}
