// The test collection's eight devices over the simulated IOCs, through Channel Access: the
// mini_beamline IOC (`mini:`) and the motor-record IOC (`sim:`). The CA settings are the process's
// (EPICS_CA_ADDR_LIST and friends), with room for det_spot's 307200-element image unless
// EPICS_CA_MAX_ARRAY_BYTES says otherwise (pyepics' default); every read and write waits up to
// 10 s, as the reference's EpicsSignal timeouts. The four positioners carry ophyd's labels
// `{"positioners"}`, as in the reference profile (an empty registry is seeded with them).
import { buildDevice, createCatalog } from '@ophyd-service/devices';
import { CaClient, readCaEnv } from '@ophyd-service/epics-ca';
import { fromEpics } from '@ophyd-service/run-engine';

const catalog = createCatalog();
const client = new CaClient({
  env: readCaEnv({ EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24), ...process.env }),
  timeoutMs: 10_000,
});

/** One device of the catalog's class `deviceClass` (the reference's `module.Class`) at `prefix`. */
const device = (name: string, deviceClass: string, prefix: string) =>
  fromEpics(buildDevice(catalog, client, { name, deviceClass, prefix }));
/** A device with ophyd's labels (a `labels` property, as the queue server reads them). */
const positioner = (name: string, deviceClass: string, prefix: string) =>
  Object.assign(device(name, deviceClass, prefix), { labels: ['positioners'] });

export const det_spot = device('det_spot', 'localdevs.Spot', 'mini:dot');
export const det_pinhole = device('det_pinhole', 'localdevs.Det', 'mini:ph');
export const det_edge = device('det_edge', 'localdevs.Det', 'mini:edge');

export const sample_x = positioner('sample_x', 'ophyd.EpicsMotor', 'sim:mtr1');
export const sample_y = positioner('sample_y', 'ophyd.EpicsMotor', 'sim:mtr2');
export const ph_motor = positioner('ph_motor', 'ophyd.EpicsSignal', 'mini:ph:mtr');
export const edge_motor = positioner('edge_motor', 'ophyd.EpicsSignal', 'mini:edge:mtr');

export const ring_current = device('ring_current', 'ophyd.EpicsSignalRO', 'mini:current');
