/** The simulated IOCs, and one CA server that serves any set of them. */
import {
  type CaLogger,
  CaServer,
  type CaServerOptions,
  type ProcessVariable,
  readCaEnv,
} from '@ophyd-service/epics-ca';
import type { Ioc, IocDefinition, RecordInfo } from './ioc.ts';
import { camera } from './iocs/camera.ts';
import { miniBeamline } from './iocs/mini-beamline.ts';
import { motors } from './iocs/motors.ts';
import { randomWalk } from './iocs/random-walk.ts';
import { thermo } from './iocs/thermo.ts';
import { recordFieldResolver } from './records.ts';
import { type Clock, realClock } from './sim/clock.ts';
import { Random } from './sim/random.ts';

export type { Ioc, IocDefinition } from './ioc.ts';
export { type Clock, ManualClock, realClock } from './sim/clock.ts';
export { Random } from './sim/random.ts';

export const IOCS: Record<string, IocDefinition> = {
  mini_beamline: miniBeamline,
  camera,
  motors,
  random_walk: randomWalk,
  thermo,
};

/** Arrays such as the 480×640 dot image need far more than EPICS's 16 kB default. */
export const DEFAULT_MAX_ARRAY_BYTES = 10_000_000;

export interface IocRequest {
  name: string;
  prefix?: string;
}

export interface RunningIocs {
  server: CaServer;
  iocs: Ioc[];
  pvs: ProcessVariable[];
  stop(): Promise<void>;
}

/** Builds the IOCs, serves all their PVs (and record fields) from one CA server, and starts their loops. */
export async function serveIocs(
  requests: IocRequest[],
  options: { clock?: Clock; seed?: number; server?: CaServerOptions; logger?: CaLogger } = {},
): Promise<RunningIocs> {
  const clock = options.clock ?? realClock;
  const random = new Random(options.seed);
  const iocs = requests.map(({ name, prefix }) => {
    const definition = IOCS[name];
    if (!definition)
      throw new Error(`unknown IOC ${JSON.stringify(name)}; choose from ${Object.keys(IOCS).join(', ')}`);
    return definition.create({ prefix: prefix ?? definition.defaultPrefix, clock, random });
  });
  const pvs = iocs.flatMap((ioc) => ioc.pvs);
  const records: Record<string, RecordInfo> = Object.assign({}, ...iocs.map((ioc) => ioc.records ?? {}));
  const byName = new Map(pvs.map((p) => [p.name, p]));
  if (byName.size !== pvs.length)
    throw new Error('two IOCs serve the same PV name: give one a different --prefix');
  const env = options.server?.env ?? readCaEnv(withArrayDefault(process.env));
  const server = new CaServer({
    env,
    logger: options.logger,
    ...options.server,
    pvs,
    resolve: recordFieldResolver((name) => byName.get(name), records),
  });
  await server.start();
  for (const ioc of iocs) ioc.start();
  return {
    server,
    iocs,
    pvs,
    async stop() {
      for (const ioc of iocs) ioc.stop();
      await server.stop();
    },
  };
}

function withArrayDefault(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env.EPICS_CA_MAX_ARRAY_BYTES
    ? env
    : { ...env, EPICS_CA_MAX_ARRAY_BYTES: String(DEFAULT_MAX_ARRAY_BYTES) };
}
