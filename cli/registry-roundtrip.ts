/**
 * The reference's registry round trip (spec integration-iocs-pods §3.2 E): extend a running
 * registry with the 18 devices of the IOCs its seed does not cover, read them back, export the
 * registry, re-import the export into a throwaway configuration service and compare, then remove
 * what it added. The re-import is the caller's: a container in the pods, a process beside
 * `npm start`. Not part of `ophyd-service check`: it writes to the registry.
 */
import assert from 'node:assert/strict';
import { call } from './deployment-checks.ts';

const leaf = (name: string, pv: string) => ({
  metadata: { name, device_label: 'signal', ophyd_class: 'EpicsSignal', pvs: { readback: pv } },
  instantiation_spec: { name, device_class: 'ophyd.EpicsSignal', args: [pv], kwargs: { name } },
});

const motor = (n: number) => {
  const name = `motor${n}`;
  const pv = `sim:mtr${n}`;
  return {
    metadata: {
      name,
      device_label: 'motor',
      ophyd_class: 'EpicsMotor',
      pvs: {
        user_setpoint: pv,
        user_readback: `${pv}.RBV`,
        velocity: `${pv}.VELO`,
        acceleration: `${pv}.ACCL`,
      },
    },
    instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [pv], kwargs: { name } },
  };
};

const compound = (name: string, cls: 'RandomWalk' | 'Thermo', prefix: string) => ({
  metadata: { name, device_label: 'detector', ophyd_class: cls, pvs: { prefix } },
  instantiation_spec: { name, device_class: `localdevs.${cls}`, args: [prefix], kwargs: { name } },
});

/** The exerciser's 18 POST bodies, by its names (its thermo leaves differ from runtime_seed's). */
export const ROUNDTRIP_DEVICES = [
  motor(1),
  motor(2),
  motor(3),
  compound('random_walk', 'RandomWalk', 'random_walk:'),
  compound('random_walk_h', 'RandomWalk', 'random_walk:horiz-'),
  compound('random_walk_v', 'RandomWalk', 'random_walk:vert-'),
  compound('thermo', 'Thermo', 'thermo:'),
  leaf('random_walk_dt', 'random_walk:dt'),
  leaf('random_walk_x', 'random_walk:x'),
  leaf('random_walk_h_dt', 'random_walk:horiz-dt'),
  leaf('random_walk_h_x', 'random_walk:horiz-x'),
  leaf('random_walk_v_dt', 'random_walk:vert-dt'),
  leaf('random_walk_v_x', 'random_walk:vert-x'),
  ...['I', 'SP', 'K', 'omega', 'Tvar'].map((field) => leaf(`thermo_${field}`, `thermo:${field}`)),
];

export interface Roundtrip {
  /** The registry's device count before the exerciser added its own. */
  initial: number;
  /** The exported registry, as GET /api/v1/registry/export served it. */
  exported: Record<string, Record<string, unknown>>;
}

export interface RoundtripSteps {
  /** Step 4, while the added devices are there: whatever live checks the deployment can serve. */
  live?: () => Promise<void>;
  /** Step 7: a configuration service loaded from the export, to compare (and close after). */
  reimport(exported: Roundtrip['exported']): Promise<{ url: string; close(): Promise<void> }>;
}

/** Steps 1–8 against the configuration service at `base`; what it added is removed whatever happens. */
export async function exerciseRegistryRoundtrip(base: string, steps: RoundtripSteps): Promise<Roundtrip> {
  const count = async (url: string) => (await call('GET', `${url}/health`)).body.devices_loaded as number;
  const names = async (url: string) => ((await call('GET', `${url}/api/v1/devices`)).body as string[]).sort();
  const initial = await count(base);
  const added: string[] = [];
  try {
    for (const device of ROUNDTRIP_DEVICES) {
      const r = await call('POST', `${base}/api/v1/devices`, device);
      assert.ok(
        r.status >= 200 && r.status < 300,
        `POST ${device.metadata.name}: ${r.status} ${JSON.stringify(r.body)}`,
      );
      added.push(device.metadata.name);
    }
    assert.equal(await count(base), initial + ROUNDTRIP_DEVICES.length);
    for (const name of ['motor1', 'thermo', 'random_walk_x'])
      assert.equal((await call('GET', `${base}/api/v1/devices/${name}`)).status, 200, name);
    await steps.live?.();
    const exported = (await call('GET', `${base}/api/v1/registry/export`)).body as Roundtrip['exported'];
    assert.equal(Object.keys(exported).length, initial + ROUNDTRIP_DEVICES.length);
    for (const entry of Object.values(exported))
      for (const key of ['_id', 'name', 'device_class', 'args', 'kwargs', 'type', 'active'])
        assert.ok(entry[key] !== null && entry[key] !== undefined, `${entry.name}.${key}`);
    for (const name of ['beam_current', 'spot', 'motor1', 'thermo', 'random_walk_x'])
      assert.ok(name in exported, `${name} exported`);
    const side = await steps.reimport(exported);
    try {
      assert.equal(await count(side.url), initial + ROUNDTRIP_DEVICES.length);
      assert.deepEqual(await names(side.url), await names(base));
    } finally {
      await side.close();
    }
    return { initial, exported };
  } finally {
    for (const name of added) await call('DELETE', `${base}/api/v1/devices/${name}`);
  }
}
