export { CatalogError, catalogFileSchema, createCatalog, loadCatalog, readCatalogFile } from './catalog.ts';
export type { Catalog, ComponentSpec, DeviceClassSpec, Framework, Kind, Verb } from './catalog-types.ts';
export { BUILTIN_CLASSES } from './classes.ts';
export {
  CatalogCycleError,
  findClass,
  hasPlaceholder,
  type Outcome,
  type Resolution,
  resolvePath,
  walkLeaves,
} from './resolver.ts';
