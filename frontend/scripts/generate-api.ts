/**
 * Writes the typed clients' types (`src/api/*.ts`) from the services' OpenAPI documents in
 * shared-schema/; with --check, only compares and fails when a committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';

const SHARED_SCHEMA = resolve(import.meta.dirname, '../../shared-schema');
const API_DIR = resolve(import.meta.dirname, '../src/api/generated');

/** Each service's document, by the types file generated from it. */
export const GENERATED: Record<string, string> = {
  'configuration.ts': 'configuration_service.openapi.json',
  'direct-control.ts': 'direct_control.openapi.json',
  'queueserver.ts': 'queueserver_service.openapi.json',
};

/** The generated text of one types file. */
export async function generatedText(schemaFile: string): Promise<string> {
  const doc = JSON.parse(readFileSync(resolve(SHARED_SCHEMA, schemaFile), 'utf8'));
  const body = astToString(await openapiTS(doc));
  return `/* Generated from shared-schema/${schemaFile} by \`npm run generate-api -w frontend\`: do not edit. */\n${body}`;
}

/** The types files whose committed text differs from what the documents generate. */
export async function staleFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, schema] of Object.entries(GENERATED)) {
    let current = '';
    try {
      current = readFileSync(resolve(API_DIR, file), 'utf8');
    } catch {}
    if (current !== (await generatedText(schema))) stale.push(`frontend/src/api/generated/${file}`);
  }
  return stale;
}

if (import.meta.main) {
  if (process.argv.includes('--check')) {
    const stale = await staleFiles();
    if (stale.length) throw new Error(`stale: ${stale.join(', ')}; run npm run generate-api -w frontend`);
  } else {
    for (const [file, schema] of Object.entries(GENERATED)) {
      writeFileSync(resolve(API_DIR, file), await generatedText(schema));
      console.log(`wrote frontend/src/api/generated/${file}`);
    }
  }
}
