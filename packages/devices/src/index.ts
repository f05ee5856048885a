export { CatalogError, catalogFileSchema, createCatalog, loadCatalog, readCatalogFile } from './catalog.ts';
export type { Catalog, ComponentSpec, DeviceClassSpec, Framework, Kind, Verb } from './catalog-types.ts';
export { BUILTIN_CLASSES } from './classes.ts';
export {
  DEVICE_NAME_MAX_LENGTH,
  DEVICE_NAME_PATTERN,
  isDeviceName,
  isPvName,
  type NameKind,
  nameProblem,
  PV_NAME_MAX_LENGTH,
  PV_NAME_PATTERN,
} from './names.ts';
export {
  CatalogCycleError,
  derivePrefix,
  findClass,
  hasPlaceholder,
  type Outcome,
  type Resolution,
  resolvePath,
  walkLeaves,
} from './resolver.ts';
export { buildDevice, Device, type Part, UnsupportedVerb } from './runtime/device.ts';
export {
  EpicsSignal,
  jsonValue,
  ReadOnlyError,
  type SignalDescription,
  type SignalReading,
} from './runtime/signal.ts';
export { Status, StatusTimeout } from './runtime/status.ts';
