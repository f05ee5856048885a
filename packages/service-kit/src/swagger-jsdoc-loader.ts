/**
 * swagger-jsdoc (with its YAML parsers, JSDoc parser, globber and schema validator: ~1.4 MB of
 * source) is needed only while a service builds its OpenAPI document at start-up. It is loaded
 * through a require of its own, and dropped from the module cache a little after its last use, so
 * a running service does not keep it in memory; services built back to back (tests) share one load.
 */
import { createRequire } from 'node:module';
import type swaggerJsdoc from 'swagger-jsdoc';

type SwaggerJsdoc = typeof swaggerJsdoc;

/** How long an unused load stays cached. */
const KEEP_MS = 1000;

let loaded: { jsdoc: SwaggerJsdoc; modules: string[] } | undefined;
let dropTimer: NodeJS.Timeout | undefined;

/** Runs `build` with swagger-jsdoc, loading it first when it is not loaded. */
export function withSwaggerJsdoc<T>(build: (jsdoc: SwaggerJsdoc) => T): T {
  clearTimeout(dropTimer);
  if (!loaded) {
    // A fresh require each load: the module it is created for lists what it loaded as children,
    // and must not outlive the drop.
    const require = createRequire(import.meta.url);
    const before = new Set(Object.keys(require.cache));
    const jsdoc = require('swagger-jsdoc') as SwaggerJsdoc;
    loaded = { jsdoc, modules: Object.keys(require.cache).filter((key) => !before.has(key)) };
  }
  try {
    return build(loaded.jsdoc);
  } finally {
    dropTimer = setTimeout(dropSwaggerJsdoc, KEEP_MS).unref();
  }
}

function dropSwaggerJsdoc(): void {
  if (!loaded) return;
  const require = createRequire(import.meta.url);
  for (const key of loaded.modules) delete require.cache[key];
  loaded = undefined;
}
