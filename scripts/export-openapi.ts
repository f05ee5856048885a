/**
 * `ophyd-service export-openapi [--out DIR] [--check]`: writes each HTTP service's OpenAPI document to
 * shared-schema/ (or DIR); with --check, only compares and fails when a committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openApiText } from '@ophyd-service/service-kit';
import { configurationOpenApi } from '../services/configuration/src/app.ts';
import { directControlOpenApi } from '../services/direct-control/src/app.ts';

/** Every HTTP service's document, by the file name it is published under. */
export const DOCUMENTS: Record<string, () => unknown> = {
  'configuration_service.openapi.json': configurationOpenApi,
  'direct_control.openapi.json': directControlOpenApi,
};

export const SHARED_SCHEMA = resolve(import.meta.dirname, '..', 'shared-schema');

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const dir = values.out ? resolve(values.out) : SHARED_SCHEMA;
  const stale: string[] = [];
  for (const [file, build] of Object.entries(DOCUMENTS)) {
    const path = join(dir, file);
    const text = openApiText(build());
    if (values.check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {}
      if (current !== text) stale.push(path);
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale.length > 0) {
    throw new Error(
      `OpenAPI out of date: ${stale.join(', ')}. Run \`npx ophyd-service export-openapi\` and commit the result.`,
    );
  }
}
