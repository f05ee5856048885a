/**
 * The class catalog: the built-in classes plus any the site adds in a JSON or YAML file named by
 * OPHYD_DEVICE_CATALOG (the TypeScript answer to a profile's localdevs.py). A later definition of
 * the same name or path replaces an earlier one.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type * as Yaml from 'yaml';
import type { Catalog, DeviceClassSpec } from './catalog-types.ts';
import { BUILTIN_CLASSES } from './classes.ts';

/** The YAML parser, loaded by the first YAML catalog file only (~0.5 MB of source most processes never need). */
const yaml = () => createRequire(import.meta.url)('yaml') as typeof Yaml;

const componentSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    suffix: { type: 'string' },
    absolute: { type: 'boolean' },
    class: { type: 'string' },
    kind: { enum: ['hinted', 'normal', 'config', 'omitted'] },
    formatted: { type: 'boolean' },
    dynamic: {
      type: 'object',
      required: ['names', 'from', 'to', 'suffix'],
      additionalProperties: false,
      properties: {
        names: { type: 'string', pattern: '\\{n\\}' },
        from: { type: 'integer', minimum: 0 },
        to: { type: 'integer', minimum: 0, maximum: 1000 },
        suffix: { type: 'string' },
        class: { type: 'string' },
      },
    },
  },
};

/** JSON schema of a catalog file: `{ "classes": [DeviceClassSpec…] }`. */
export const catalogFileSchema = {
  type: 'object',
  required: ['classes'],
  additionalProperties: false,
  properties: {
    classes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'paths', 'framework', 'verbs'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          paths: { type: 'array', items: { type: 'string', minLength: 1 } },
          framework: { enum: ['ophyd-sync', 'ophyd-async'] },
          signal: { enum: ['ro', 'rw'] },
          components: { type: 'object', additionalProperties: componentSchema },
          verbs: {
            type: 'array',
            items: { enum: ['read', 'set', 'trigger', 'stop', 'stage', 'kickoff', 'complete'] },
          },
        },
      },
    },
  },
};

// Compiled on first use: importing the catalog (every worker environment does) should not pay for it.
let validateFile: ReturnType<Ajv['compile']> | undefined;

export class CatalogError extends Error {
  override name = 'CatalogError';
}

export function createCatalog(extra: DeviceClassSpec[] = []): Catalog {
  const byName = new Map<string, DeviceClassSpec>();
  const byPath = new Map<string, DeviceClassSpec>();
  for (const spec of [...BUILTIN_CLASSES, ...extra]) {
    byName.set(spec.name, spec);
    for (const path of spec.paths) byPath.set(path, spec);
  }
  return {
    byName: (name) => byName.get(name),
    byPath: (path) => byPath.get(path),
    all: () => [...byName.values()],
  };
}

/** Reads a catalog extension file; errors name the file and the offending entry. */
export function readCatalogFile(path: string): DeviceClassSpec[] {
  let data: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    data = path.endsWith('.json') ? JSON.parse(text) : yaml().parse(text);
  } catch (err) {
    throw new CatalogError(`device catalog ${path}: ${(err as Error).message}`);
  }
  validateFile ??= new Ajv({ allErrors: false }).compile(catalogFileSchema);
  if (!validateFile(data)) {
    const e = validateFile.errors![0];
    throw new CatalogError(`device catalog ${path}: ${e.instancePath || '/'} ${e.message}`);
  }
  return (data as { classes: DeviceClassSpec[] }).classes;
}

/** The catalog this process uses: built-ins plus OPHYD_DEVICE_CATALOG when set. */
export function loadCatalog(env: NodeJS.ProcessEnv = process.env): Catalog {
  const file = env.OPHYD_DEVICE_CATALOG;
  return createCatalog(file ? readCatalogFile(file) : []);
}
