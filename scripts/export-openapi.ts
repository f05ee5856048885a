/**
 * `ophyd-service export-openapi [--out DIR] [--check]`: writes each HTTP service's OpenAPI document to
 * shared-schema/ (or DIR), and the TypeScript types of its operations into packages/api-types (what
 * the services' handlers and the web UI's clients are typed by); with --check, only compares and fails when a
 * committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { configurationOpenApi } from '@ophyd-service/configuration';
import { directControlOpenApi } from '@ophyd-service/direct-control';
import { queueServerOpenApi } from '@ophyd-service/queueserver';
import { openApiText } from '@ophyd-service/service-kit';
import openapiTS, { astToString } from 'openapi-typescript';

/** Every HTTP service's document, by the file name it is published under. */
export const DOCUMENTS: Record<string, () => unknown> = {
  'configuration_service.openapi.json': configurationOpenApi,
  'direct_control.openapi.json': directControlOpenApi,
  'queueserver_service.openapi.json': queueServerOpenApi,
};

/** Where each document's operation types go (packages/api-types), by the same file name. */
const API_TYPES = resolve(import.meta.dirname, '../packages/api-types/src');
export const TYPES: Record<string, string> = {
  'configuration_service.openapi.json': join(API_TYPES, 'configuration.ts'),
  'direct_control.openapi.json': join(API_TYPES, 'direct-control.ts'),
  'queueserver_service.openapi.json': join(API_TYPES, 'queueserver.ts'),
};

export const SHARED_SCHEMA = resolve(import.meta.dirname, '..', 'shared-schema');

/** The generated types of a document's paths, components and operations. */
export async function typesText(doc: unknown): Promise<string> {
  const body = astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0]));
  return `/* Generated from the service's OpenAPI document by \`npx ophyd-service export-openapi\`: do not edit. */\n${body}`;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const dir = values.out ? resolve(values.out) : SHARED_SCHEMA;
  const stale: string[] = [];
  for (const [file, build] of Object.entries(DOCUMENTS)) {
    const doc = build();
    const outputs = [[join(dir, file), openApiText(doc)]];
    if (!values.out) outputs.push([TYPES[file], await typesText(doc)]);
    for (const [path, text] of outputs) {
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
  }
  if (stale.length > 0) {
    throw new Error(
      `OpenAPI out of date: ${stale.join(', ')}. Run \`npx ophyd-service export-openapi\` and commit the result.`,
    );
  }
}
