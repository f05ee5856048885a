/**
 * The committed types are what the committed OpenAPI documents generate (each service's own test
 * checks that its document is what its routes build), so a route changed without
 * `npx ophyd-service export-openapi` fails here rather than in a client.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { SHARED_SCHEMA, TYPES, typesText } from '../../../scripts/export-openapi.ts';

describe('@ophyd-service/api-types', () => {
  for (const [document, typesFile] of Object.entries(TYPES)) {
    it(`${relative(join(import.meta.dirname, '../../..'), typesFile)} is generated from shared-schema/${document}`, async () => {
      const doc = JSON.parse(readFileSync(join(SHARED_SCHEMA, document), 'utf8'));
      assert.equal(
        readFileSync(typesFile, 'utf8'),
        await typesText(doc),
        'stale: run `npx ophyd-service export-openapi` and commit the result',
      );
    });
  }
});
