/** Capability flags and device labels the loaders infer from a class name (spec §2.7). */
import type { DeviceLabel, DeviceMetadata } from './schemas.ts';

type Flag =
  | 'is_movable'
  | 'is_flyable'
  | 'is_readable'
  | 'is_triggerable'
  | 'is_stageable'
  | 'is_configurable'
  | 'is_stoppable'
  | 'is_subscribable'
  | 'is_checkable'
  | 'writes_external_assets';

const PROFILES: Record<string, Flag[]> = {
  DEVICE_BASE: ['is_readable', 'is_triggerable', 'is_stageable', 'is_configurable', 'is_subscribable'],
  MOTOR: [
    'is_movable',
    'is_readable',
    'is_triggerable',
    'is_stageable',
    'is_configurable',
    'is_stoppable',
    'is_subscribable',
    'is_checkable',
  ],
  DETECTOR: ['is_readable', 'is_triggerable', 'is_stageable', 'is_configurable', 'is_subscribable'],
  FLYABLE: ['is_flyable', 'is_readable', 'is_stageable', 'is_subscribable'],
  SIGNAL_RO: ['is_readable', 'is_subscribable'],
  SIGNAL_RW: ['is_readable', 'is_subscribable', 'is_movable'],
  ASSET_DETECTOR: [
    'is_readable',
    'is_triggerable',
    'is_stageable',
    'is_configurable',
    'is_subscribable',
    'writes_external_assets',
  ],
  SYN_REGISTRY_SIGNAL: [
    'is_readable',
    'is_triggerable',
    'is_stageable',
    'is_subscribable',
    'writes_external_assets',
  ],
};

const BY_NAME: Record<string, string> = {
  ...Object.fromEntries(
    [
      'SynAxis',
      'SynAxisNoPosition',
      'SynAxisNoHints',
      'EpicsMotor',
      'PVPositioner',
      'PVPositionerPC',
      'PseudoPositioner',
      'PseudoSingle',
      'SoftPositioner',
    ].map((n) => [n, 'MOTOR']),
  ),
  SynGauss: 'DETECTOR',
  EpicsScaler: 'DETECTOR',
  ...Object.fromEntries(
    ['SynSignal', 'SynSignalRO', 'EpicsSignalRO', 'InternalSignal', 'EpicsPathSignal'].map((n) => [
      n,
      'SIGNAL_RO',
    ]),
  ),
  EpicsSignal: 'SIGNAL_RW',
  EpicsSignalWithRBV: 'SIGNAL_RW',
  MockFlyer: 'FLYABLE',
  TrivialFlyer: 'FLYABLE',
  Device: 'DEVICE_BASE',
  ...Object.fromEntries(
    ['SimDetector', 'AreaDetector', 'AdscDetector', 'PilatusDetector'].map((n) => [n, 'ASSET_DETECTOR']),
  ),
  SynSignalWithRegistry: 'SYN_REGISTRY_SIGNAL',
};

function profileOf(className: string): string {
  const exact = Object.hasOwn(BY_NAME, className) ? BY_NAME[className] : undefined;
  if (exact) return exact;
  const lower = className.toLowerCase();
  if (/motor|positioner|axis/.test(lower)) return 'MOTOR';
  if (/flyer|flyable/.test(lower)) return 'FLYABLE';
  if (lower.includes('signalro')) return 'SIGNAL_RO';
  if (lower.includes('signal')) return 'SIGNAL_RW';
  if (/detector|scaler/.test(lower)) return 'DETECTOR';
  return 'DEVICE_BASE';
}

/** The eleven flags for a class, all present. */
export function capabilityFlags(className: string): Pick<DeviceMetadata, Flag | 'is_pausable'> {
  const on = new Set(PROFILES[profileOf(className)]);
  return {
    is_movable: on.has('is_movable'),
    is_flyable: on.has('is_flyable'),
    is_readable: on.has('is_readable'),
    is_triggerable: on.has('is_triggerable'),
    is_stageable: on.has('is_stageable'),
    is_configurable: on.has('is_configurable'),
    is_pausable: false,
    is_stoppable: on.has('is_stoppable'),
    is_subscribable: on.has('is_subscribable'),
    is_checkable: on.has('is_checkable'),
    writes_external_assets: on.has('writes_external_assets'),
  };
}

/** The device label: from BITS labels, then the happi functional group, then the class name. */
export function inferLabel(
  className: string,
  hints: { labels?: string[]; functionalGroup?: string | null } = {},
): DeviceLabel {
  for (const label of hints.labels ?? []) {
    const l = label.toLowerCase();
    if (l === 'motors' || l === 'positioners') return 'motor';
    if (l === 'detectors' || l === 'area_detectors') return 'detector';
    if (l === 'flyers') return 'flyer';
    if (l === 'signals') return 'signal';
  }
  const group = hints.functionalGroup?.toLowerCase();
  if (group) {
    if (group.includes('motor')) return 'motor';
    if (group.includes('detector') || group.includes('area')) return 'detector';
    if (group.includes('flyer')) return 'flyer';
    if (group.includes('signal')) return 'signal';
  }
  const lower = className.toLowerCase();
  if (/motor|axis|positioner/.test(lower)) return 'motor';
  if (lower.includes('detector') || lower.includes('det')) return 'detector';
  if (lower.includes('signal')) return 'signal';
  if (/flyable|flyer/.test(lower)) return 'flyer';
  return 'device';
}
