/**
 * The service of bench/configuration.ts, run as its own process so that the load generator does not
 * share its event loop: the configuration service (through its test harness: mock registry, silent
 * logger, 127.0.0.1, ephemeral port) on a fresh SQLite file (argv `sqlite`) or on PostgreSQL (argv
 * `postgresql`, the URL in TEST_DATABASE_URL_OVERRIDE; the harness drops the service's tables first).
 * At start-up it creates EXTRA devices through `POST /api/v1/devices` (the real write path), so that
 * the registry the reads hit holds ~1,000 devices rather than the mock's three.
 *
 * Prints `{"url", "seed_s", "devices", "pvs", "addresses", "unresolved", "idle_rss_mb"}` once serving: the names the
 * registry holds, and the dotted component addresses it resolves (the rest counted in `unresolved`). Stdin lines: `mark` starts a window
 * (CPU, wall clock, event-loop delay), `stats` prints `{"cpu_s", "wall_s", "rss_mb",
 * "loop_p99_ms", "devices"}` for the window. Closes the service (and removes the SQLite file) and
 * exits when stdin closes.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { settleHeap } from '../cli/settle-heap.ts';
import { startConfiguration } from '../services/configuration/test/harness.ts';

/** Devices created at start-up on top of the mock registry's three. */
const EXTRA_DEVICES = Number(process.env.BENCH_EXTRA_DEVICES ?? 1000);

/** Three motors in four, else a scaler, each with its own PVs (BL09:M0007.RBV…). */
function extraDevice(i: number) {
  const n = String(i).padStart(4, '0');
  if (i % 4 === 3) {
    const name = `bl09_sc${n}`;
    const prefix = `BL09:SC${n}`;
    return {
      metadata: {
        name,
        device_label: 'detector',
        ophyd_class: 'EpicsScaler',
        module: 'ophyd.scaler',
        is_readable: true,
        is_triggerable: true,
        pvs: {
          count: `${prefix}.CNT`,
          preset_time: `${prefix}.TP`,
          'channels.chan1': `${prefix}.S1`,
          'channels.chan2': `${prefix}.S2`,
          'channels.chan3': `${prefix}.S3`,
          'channels.chan4': `${prefix}.S4`,
        },
        read_attrs: ['channels.chan1', 'channels.chan2'],
        configuration_attrs: ['preset_time'],
      },
      instantiation_spec: { name, device_class: 'ophyd.EpicsScaler', args: [prefix], kwargs: { name } },
    };
  }
  const name = `bl09_m${n}`;
  const prefix = `BL09:M${n}`;
  return {
    metadata: {
      name,
      device_label: 'motor',
      ophyd_class: 'EpicsMotor',
      module: 'ophyd.epics_motor',
      is_movable: true,
      is_readable: true,
      pvs: {
        user_readback: `${prefix}.RBV`,
        user_setpoint: prefix,
        velocity: `${prefix}.VELO`,
        acceleration: `${prefix}.ACCL`,
      },
      hints: { fields: [name] },
      read_attrs: ['user_readback', 'user_setpoint'],
      configuration_attrs: ['velocity', 'acceleration'],
    },
    instantiation_spec: { name, device_class: 'ophyd.EpicsMotor', args: [prefix], kwargs: { name } },
  };
}

const backend = process.argv[2];
if (backend !== 'sqlite' && backend !== 'postgresql') {
  process.stderr.write('usage: configuration-server.ts sqlite|postgresql\n');
  process.exit(2);
}
if (backend === 'sqlite') delete process.env.TEST_DATABASE_URL_OVERRIDE;
else if (!process.env.TEST_DATABASE_URL_OVERRIDE) {
  process.stderr.write('postgresql needs TEST_DATABASE_URL_OVERRIDE\n');
  process.exit(2);
}

const h = await startConfiguration();
const t0 = performance.now();
// Creates are serialized by the service's mutex; a few in flight keep its queue non-empty.
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < EXTRA_DEVICES) {
      const body = extraDevice(next++);
      const res = await h.send('POST', '/api/v1/devices', body);
      if (res.status !== 201)
        throw new Error(`seeding ${body.metadata.name}: HTTP ${res.status} ${await res.text()}`);
    }
  }),
);
const seedS = (performance.now() - t0) / 1000;
const registry = h.service.state.registry;

// What the bench rotates through: every device, every indexed PV, and dotted addresses (one per
// component a device lists) that the class catalog resolves, checked here once through the route.
const devices = [...registry.devices.keys()];
const pvs = [...registry.index.keys()];
const candidates = [...registry.devices.values()].flatMap((d) =>
  Object.keys(d.pvs).map((component) => `${d.name}.${component}`),
);
const addresses: string[] = [];
let unresolved = 0;
for (let i = 0; i < candidates.length; i += 200) {
  const batch = candidates.slice(i, i + 200);
  const res = await h.send('POST', '/api/v1/devices/resolve', { addresses: batch });
  if (res.status !== 200) throw new Error(`resolve check: HTTP ${res.status} ${await res.text()}`);
  const { resolved } = (await res.json()) as { resolved: { address: string; ok: boolean }[] };
  for (const r of resolved) {
    if (r.ok) addresses.push(r.address);
    else unresolved++;
  }
}
// What the CLI does once a service has started (cli/settle-heap.ts), so idle RSS is as `up` shows it.
settleHeap();
const idleRssMb = process.memoryUsage().rss / 2 ** 20;
process.stdout.write(
  `${JSON.stringify({ url: h.url, seed_s: seedS, devices, pvs, addresses, unresolved, idle_rss_mb: idleRssMb })}\n`,
);

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpu0 = process.cpuUsage();
let wall0 = performance.now();

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const command = line.trim();
    if (command === 'mark') {
      cpu0 = process.cpuUsage();
      wall0 = performance.now();
      loop.reset();
    } else if (command === 'stats') {
      const cpu = process.cpuUsage(cpu0);
      process.stdout.write(
        `${JSON.stringify({
          cpu_s: (cpu.user + cpu.system) / 1e6,
          wall_s: (performance.now() - wall0) / 1000,
          rss_mb: process.memoryUsage().rss / 2 ** 20,
          loop_p99_ms: loop.percentile(99) / 1e6,
          devices: registry.devices.size,
        })}\n`,
      );
    }
  })
  .on('close', async () => {
    const timer = setTimeout(() => process.exit(1), 10_000);
    try {
      await h.close();
      if (h.databaseUrl?.startsWith('sqlite:///')) {
        await rm(dirname(h.databaseUrl.slice('sqlite://'.length)), { recursive: true, force: true });
      }
    } finally {
      clearTimeout(timer);
      process.exit(0);
    }
  });
